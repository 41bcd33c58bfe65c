// hciattest: can this VM prove where it runs, and will its Windows licence activate?
#include <CLI/CLI.hpp>

#include <chrono>
#include <exception>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  try {
    return hciattest::cli::run_main(argc, argv, std::cin, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "hciattest: internal error: " << e.what()
              << "\nPlease report it with the command line you used.\n";
    return 4;
  }
}
