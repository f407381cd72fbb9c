# Analysis libraries (core/analysis): the IAM evaluator and the network path
# analyser and the service-state model (with the verdict rule over it and
# the unexplained finding), tested on small hand-written evidence documents.
edoc_unit_test(test_iam_eval analysis/test_iam_eval.c)
edoc_unit_test(test_netpath analysis/test_netpath.c)

# The Lua checks of the network, registry, secrets, iam, logs and storage
# categories, run on their fixture bundles by the real binary. Every check of
# the tree is loaded (--check-dir checks) so look-alikes and ranking are tested
# against the whole catalog. `checks test` comes with the engine: without it
# (core/engine/checktest.c) these tests are not defined.
if(EXISTS ${PROJECT_SOURCE_DIR}/core/engine/checktest.c)
  foreach(area network registry secrets iam logs storage)
    add_test(NAME checks_${area}
             COMMAND $<TARGET_FILE:ecs-doctor> checks test ${PROJECT_SOURCE_DIR}/checks/${area}
                     --check-dir ${PROJECT_SOURCE_DIR}/checks)
    set_tests_properties(checks_${area} PROPERTIES TIMEOUT 120)
  endforeach()
  # Top-ranked category, real ids in the remediation, the real message quoted.
  add_test(NAME checks_net_report
           COMMAND ${EDOC_PYTHON} ${EDOC_TEST_DIR}/checks/net/verify_fixtures.py
                   $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
  set_tests_properties(checks_net_report PROPERTIES TIMEOUT 300)
endif()

# Live end to end, once the collectors are built: one fake-AWS scenario per
# category (tests/fakeaws/scenarios/<category>.json), `ecs-doctor service`
# against it, the rank-1 category, real ids in the remediation, the real
# message quoted (tests/checks/net/e2e_scenarios.py).
if(EXISTS ${PROJECT_SOURCE_DIR}/core/collect/sources.cmake)
  add_test(NAME checks_net_fakeaws_e2e
           COMMAND ${EDOC_PYTHON} ${EDOC_TEST_DIR}/checks/net/e2e_scenarios.py
                   $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
  set_tests_properties(checks_net_fakeaws_e2e PROPERTIES TIMEOUT 600)
endif()
edoc_unit_test(test_svcstate analysis/test_svcstate.c)
# Never a false HEALTHY (issue 16), end to end against the fake AWS server:
# expired tasks, a deleted service, missing targets (exit 2), an untimed
# stopped task, tasks stuck PENDING, the headline above a MEDIUM diagnosis,
# edoc.service_state from Lua, and every fixture bundle and scenario of the
# suite checked against the state's floor.
if(EDOC_PYTHON)
  add_test(NAME analysis_state_e2e
           COMMAND ${EDOC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/e2e_state.py $<TARGET_FILE:ecs-doctor> ${PROJECT_SOURCE_DIR})
  set_tests_properties(analysis_state_e2e PROPERTIES TIMEOUT 900 SKIP_RETURN_CODE 77)
endif()
