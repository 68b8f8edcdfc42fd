// main() for the weft command line. Link this (the weft_main / weft::main
// target) with your own WEFT_MODEL files to get a `weft` with your models.
#include "weft/cli.h"

int main(int argc, char** argv) {
  return weft::cli::main(argc, argv);
}
