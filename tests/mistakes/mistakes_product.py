"""Natural mistakes with churnlab.product (lesson 09: readiness, metric tree, lifecycle, user stories); format: tests/mistakes/mistakes.py."""
from __future__ import annotations

from mistakes import Mistake

from churnlab import product

STORY = dict(as_a="retention agent", i_want="a call list on campaign day", so_that="no churner misses the offer",
             edge_case="the model is down", fallback="the month-to-month rule builds the list",
             acceptance="Given the scoring fails, when the campaign starts, then the rule's list is ready within 1 hour.")

MISTAKES = [
    Mistake("product.readiness_questions", "a feature's name, as if it answered them",
            lambda course: product.readiness_questions("fraud flags"), "more values than it takes"),
    Mistake("product.churn_readiness", "the customers, as if it needed them",
            lambda course: product.churn_readiness(course.customers), "more values than it takes"),
    Mistake("product.churn_campaign_numbers", "the economics, as if it took them",
            lambda course: product.churn_campaign_numbers(200), "more values than it takes"),
    Mistake("product.readiness_examples", "a feature's name", lambda course: product.readiness_examples("search ranking"),
            "more values than it takes"),
    Mistake("product.metric_tree", "a metric's name", lambda course: product.metric_tree("contact rate"),
            "more values than it takes"),
    Mistake("product.lifecycle", "a step's name", lambda course: product.lifecycle("serve"), "more values than it takes"),
    Mistake("product.questions_for_engineers", "a step's name", lambda course: product.questions_for_engineers(step="serve"),
            "no argument called 'step'"),
    Mistake("product.edge_cases", "an edge case's name", lambda course: product.edge_cases("new customer"),
            "more values than it takes"),
    Mistake("product.example_stories", "an edge case's name", lambda course: product.example_stories("why me"),
            "more values than it takes"),
    Mistake("product.user_story", "the parts after 'so that' left out",
            lambda course: product.user_story("retention agent", "a call list", "no churner misses the offer"),
            "it needs 'edge_case' too"),
    Mistake("product.user_story", "a misspelled part", lambda course: product.user_story(**{**STORY, "edgecase": "x"}),
            "did you mean 'edge_case'"),
    Mistake("product.user_story", "a number as the acceptance criterion",
            lambda course: product.user_story(**{**STORY, "acceptance": 1}), "should be a text in quotes"),
    Mistake("product.user_story", "a list of edge cases", lambda course: product.user_story(**{**STORY, "edge_case": ["new customer", "why me"]}),
            "edge_case should be a text in quotes"),
    Mistake("product.story_gaps", "the story as a sentence", lambda course: product.story_gaps("As a retention agent, I want a list"),
            "made with product.user_story"),
    Mistake("product.story_gaps", "all the stories at once", lambda course: product.story_gaps(product.example_stories()),
            "check one at a time"),
    Mistake("product.story_gaps", "the edge-case table instead of a story", lambda course: product.story_gaps(product.edge_cases()),
            "made with product.user_story"),
]
