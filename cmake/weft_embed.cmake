# Turns a text file into a C++ source defining one string constant, so the
# viewer's HTML template is part of the binary (no files to find at run time).
#   cmake -DIN=viewer.html -DOUT=viewer_template.cpp -DNAME=viewer_template -P weft_embed.cmake
file(READ "${IN}" content)
string(FIND "${content}" ")weft_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string delimiter )weft_embed\"")
endif()
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by cmake/weft_embed.cmake; do not edit.\n"
  "namespace weft::check::detail {\n"
  "extern const char* const ${NAME};\n"
  "const char* const ${NAME} = R\"weft_embed(${content})weft_embed\";\n"
  "}  // namespace weft::check::detail\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
