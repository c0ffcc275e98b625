#include <iostream>

#include "evident/core/version.hpp"

int main() {
  std::cout << "evident " << evident::kVersion << "\n";
  return 0;
}
