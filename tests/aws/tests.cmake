edoc_unit_test(test_sigv4 aws/test_sigv4.c)
