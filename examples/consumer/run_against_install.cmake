# Installs a weft build into a fresh prefix, then configures, builds and tests
# this consumer project against that prefix only (run by weft's ctest as
# consumer_package):
#   cmake -DWEFT_BUILD_DIR=... -DWORK_DIR=... -P run_against_install.cmake
foreach(var WEFT_BUILD_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_against_install.cmake needs -D${var}=...")
  endif()
endforeach()
get_filename_component(consumer_dir "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)
set(prefix "${WORK_DIR}/prefix")
set(build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${prefix}")

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install "${WEFT_BUILD_DIR}" --prefix "${prefix}")
run(${CMAKE_COMMAND} -S "${consumer_dir}" -B "${build}" "-DCMAKE_PREFIX_PATH=${prefix}"
    -DCMAKE_BUILD_TYPE=RelWithDebInfo)
run(${CMAKE_COMMAND} --build "${build}" -j 2)
run(${CMAKE_CTEST_COMMAND} --test-dir "${build}" --output-on-failure)
