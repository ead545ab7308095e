# Writes OUT, a header with the commit of SOURCE_DIR's HEAD — with "+dirty" when tracked files differ from it, but for
# results/ and reports/, the committed studies' run stores and reports, which a study running from this tree writes
# (they are what a binary produces, not what it is built from) — at
# every build, not only at configure time: a binary built from an edited tree must not name the commit before the
# edit as its source. The file is rewritten only when its text changes, so an unchanged commit recompiles nothing.
set(commit "unknown")
find_program(GIT git)
if(GIT)
  execute_process(COMMAND ${GIT} rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  if(rc EQUAL 0 AND head)
    set(commit "${head}")
    execute_process(COMMAND ${GIT} status --porcelain --untracked-files=no -- . ":(exclude)results" ":(exclude)reports"
                    WORKING_DIRECTORY ${SOURCE_DIR}
                    OUTPUT_VARIABLE changes ERROR_QUIET)
    if(changes)
      set(commit "${head}+dirty")
    endif()
  endif()
endif()
set(text "#pragma once\nnamespace actbench {\ninline constexpr const char* kGitCommit = \"${commit}\";\n}  // namespace actbench\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
