edoc_unit_test(test_sigv4 aws/test_sigv4.c)
# Without ../shared/testdata/sigv4 the official suite cannot run: exit 77 is
# reported as skipped (a failure under CI=true, where the suite is required).
set_tests_properties(test_sigv4 PROPERTIES SKIP_RETURN_CODE 77)
edoc_unit_test(test_aws_units aws/test_aws_units.c)
edoc_unit_test(test_aws_client aws/test_aws_client.c)
edoc_unit_test(test_creds aws/test_creds.c)
edoc_unit_test(test_aws_fakeaws aws/test_aws_fakeaws.c)
edoc_unit_test(test_xmlshape aws/test_xmlshape.c)
# The committed model table (core/aws/xmlshape_gen.c) matches botocore's
# models for every XML-protocol operation of the allowlist.
if(EDOC_PYTHON)
  add_test(NAME aws_xmlshape_fresh COMMAND ${EDOC_PYTHON} ${PROJECT_SOURCE_DIR}/scripts/gen_xmlshape.py --check)
  set_tests_properties(aws_xmlshape_fresh PROPERTIES TIMEOUT 120)
endif()
