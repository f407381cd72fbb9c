edoc_unit_test(test_sigv4 aws/test_sigv4.c)
# Without ../shared/testdata/sigv4 the official suite cannot run: exit 77 is
# reported as skipped (a failure under CI=true, where the suite is required).
set_tests_properties(test_sigv4 PROPERTIES SKIP_RETURN_CODE 77)
edoc_unit_test(test_aws_units aws/test_aws_units.c)
edoc_unit_test(test_aws_client aws/test_aws_client.c)
edoc_unit_test(test_creds aws/test_creds.c)
edoc_unit_test(test_aws_fakeaws aws/test_aws_fakeaws.c)
