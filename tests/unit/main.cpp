#include "support/scratch.hpp"

int main(int argc, char** argv) { return tailor::test::run_tests(argc, argv); }
