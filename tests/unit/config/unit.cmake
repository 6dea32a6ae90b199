# Every field of the configuration model is read by the runtime, used while loading, or
# warned about as having no effect (model_fields.py says which and why).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME "unit/config/model fields: each is read by the runtime or warned about as having no effect"
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/config/model_fields.py ${PROJECT_SOURCE_DIR})
set_tests_properties("unit/config/model fields: each is read by the runtime or warned about as having no effect"
                     PROPERTIES LABELS unit)
