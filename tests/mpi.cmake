# Tests under mpirun (-np 2 and 3; --oversubscribe for 3 on 2 cores): the C++
# trainer and collectives, the Python training APIs, and a failing rank ending
# the job. Included from the top-level CMakeLists.txt when built with MPI.
if(NOT (NABLA_BUILD_TESTS AND NABLA_MPI AND MPIEXEC_EXECUTABLE))
  return()
endif()
# Root in a container: OpenMPI refuses to start without these.
set(NABLA_MPI_TEST_ENV "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1")
foreach(np 2 3)
  add_test(NAME mpi.np${np}.cpp
           COMMAND ${MPIEXEC_EXECUTABLE} --oversubscribe -np ${np} $<TARGET_FILE:nabla_tests> "-tc=mpi:*,collectives:*")
  set_tests_properties(mpi.np${np}.cpp PROPERTIES ENVIRONMENT "${NABLA_MPI_TEST_ENV}" TIMEOUT 120)
  if(NABLA_BUILD_PYTHON)
    add_test(NAME mpi.np${np}.python
             COMMAND ${MPIEXEC_EXECUTABLE} --oversubscribe -x PYTHONPATH -np ${np} ${Python_EXECUTABLE}
                     ${CMAKE_SOURCE_DIR}/tests/python/mpi_training.py)
    set_tests_properties(mpi.np${np}.python PROPERTIES
                         ENVIRONMENT "${NABLA_MPI_TEST_ENV};PYTHONPATH=${CMAKE_BINARY_DIR}/python" TIMEOUT 180)
  endif()
endforeach()
if(TARGET nabla-book AND EXISTS ${CMAKE_SOURCE_DIR}/data/mnist)
  add_test(NAME mpi.nabla-book COMMAND bash ${CMAKE_SOURCE_DIR}/tests/mpi_book.sh ${MPIEXEC_EXECUTABLE}
                                       $<TARGET_FILE:nabla-book> ${CMAKE_SOURCE_DIR}/data/mnist)
  set_tests_properties(mpi.nabla-book PROPERTIES TIMEOUT 240)
endif()
if(NABLA_BUILD_PYTHON)
  foreach(mode raise kill)
    add_test(NAME mpi.rank-fails-${mode}
             COMMAND bash ${CMAKE_SOURCE_DIR}/tests/mpi_rank_failure.sh ${MPIEXEC_EXECUTABLE} ${Python_EXECUTABLE}
                     ${CMAKE_BINARY_DIR}/python ${mode})
    set_tests_properties(mpi.rank-fails-${mode} PROPERTIES TIMEOUT 90)
  endforeach()
endif()
