# Report-document services shared by the CLI and the renderers: verdict and
# exit code, mutes, what-changed and the timeline.
list(APPEND EDOC_CORE_SOURCES
  report/verdict.c
  report/utc.c
  report/mutes.c
  report/whatchanged.c
  report/timeline.c
  report/wait.c
  report/wait_aws.c
  report/publish.c)
