"""Command line: ``python -m churnlab doctor`` runs the pre-flight check."""
import sys

USAGE = "usage: python -m churnlab doctor   (checks that this machine is ready for the course)"


def main(argv: list[str]) -> int:
    if argv[:1] != ["doctor"]:
        print(USAGE)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    try:
        from churnlab import doctor
    except ImportError as error:
        print(
            f"❌ This Python ({sys.executable}) does not have the course's packages ({error.name} is missing).\n"
            "   → fix: run the check with the course's own Python: .venv/bin/python -m churnlab doctor\n"
            "     (not installed yet? run the README's install command first)"
        )
        return 1
    return doctor.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
