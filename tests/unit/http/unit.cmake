# unit_http: the scripted test servers are Asio coroutines (see
# STAYALIVED_COROUTINE_FILE_OPTIONS in src/check/http/CMakeLists.txt).
target_compile_options(unit_${m} PRIVATE ${STAYALIVED_COROUTINE_FILE_OPTIONS})
