"""Command line: ``python -m churnlab doctor`` runs the pre-flight check."""
import sys

from churnlab import doctor

USAGE = "usage: python -m churnlab doctor   (checks that this machine is ready for the course)"


def main(argv: list[str]) -> int:
    if argv[:1] == ["doctor"]:
        return doctor.main()
    print(USAGE)
    return 0 if argv[:1] in (["-h"], ["--help"]) else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
