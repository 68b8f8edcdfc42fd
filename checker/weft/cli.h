// The command line: weft list | check | replay. Exit codes: 0 no finding,
// 1 finding, 2 bad usage or input, 3 internal error, 4 incomplete search
// without findings under --require-complete.
#pragma once

namespace weft::cli {

int main(int argc, char** argv);

}  // namespace weft::cli
