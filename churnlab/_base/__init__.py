"""The bottom layer: the course's errors, the exercise blank, and the checks every public function runs first."""
