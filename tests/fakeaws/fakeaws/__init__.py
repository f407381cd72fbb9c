"""fakeaws: a faithful fake AWS endpoint for ecs-doctor's tests, demo and benchmarks.

Module map (read in this order):
  main.py      command line, start/stop, port file
  server.py    HTTP server and the per-request pipeline
  services.py  service registry: scope names, botocore models, read-only rule
  sigv4.py     SigV4 verification with botocore's signer
  wire.py      request decoding / response and error encoding per protocol
  validate.py  input validation against the model, AWS-worded errors
  errors.py    AwsError and per-service error vocabularies
  faults.py    fault injection flags
  calllog.py   JSON-lines call log
  scenario.py  scenario loading, time parsing, shape checks
  defaults.py  defaults, name->ARN/id resolution, indexes
  handlers/    one module per service; functions named like the operations
"""
