# unit_http: the scripted test servers are Asio coroutines (see src/check/http/CMakeLists.txt
# about GCC 12's false -Wmismatched-new-delete on awaitable frames).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(unit_${m} PRIVATE -Wno-mismatched-new-delete)
endif()
