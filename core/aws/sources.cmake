list(APPEND EDOC_CORE_SOURCES
  aws/sigv4.c
  aws/config.c
  aws/endpoint.c
  aws/xml2json.c
  aws/xmlshape.c
  aws/xmlshape_gen.c
  aws/proto_json.c
  aws/proto_query.c
  aws/allowlist.c
  aws/retry.c
  aws/ratelimit.c
  aws/paginate.c
  aws/http.c
  aws/creds.c
  aws/aws.c
)
