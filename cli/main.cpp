// hciattest: can this VM prove where it runs, and will its Windows licence activate?
#include "cli/commands.h"

int main(int argc, char** argv) { return hciattest::cli::run_process(argc, argv); }
