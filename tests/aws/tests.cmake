edoc_unit_test(test_sigv4 aws/test_sigv4.c)
edoc_unit_test(test_aws_units aws/test_aws_units.c)
edoc_unit_test(test_aws_client aws/test_aws_client.c)
