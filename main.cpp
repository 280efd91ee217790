// yiwang: one executable for the whole platform; see app/cli.hpp.
#include "app/cli.hpp"

int main(int argc, char** argv) { return yiwang::app::run_cli(argc, argv); }
