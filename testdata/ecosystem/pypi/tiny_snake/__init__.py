"""A tiny Python package the ecosystem install tests pack into a wheel and serve."""
import sys


def main():
    print("tiny-snake 1.0.0 from pypi, python " + sys.prefix)
