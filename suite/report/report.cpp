// `actbench report`: load → aggregate → render (report_load.cpp, report_aggregate.cpp, report_sections.cpp and
// one file per format). The same runs in give byte-identical files out.
#include "report/report.hpp"

#include "report/report_data.hpp"

namespace actbench {

ReportFiles build_report(const std::vector<std::filesystem::path>& run_dirs, const std::string& pivot_rows, const std::string& pivot_cols,
                         const std::string& adjustment) {
    const LoadedRuns runs = load_runs(run_dirs);
    const Aggregate a = aggregate(runs, adjustment);
    const Document doc = report_document(a, pivot_rows, pivot_cols);
    ReportFiles files;
    files.markdown = render_markdown(doc);
    files.html = render_html(doc);
    files.csv = render_csv(a);
    files.summary_csv = render_summary_csv(a);
    files.json = render_json(a);
    files.damaged = runs.damaged;
    for (const Section& s : doc.sections)
        for (const Figure& f : s.figures) files.svgs[f.id + ".svg"] = f.svg;
    return files;
}

}  // namespace actbench
