// `actbench export`: a sweep's results as tidy tables for pandas, polars or R — complete, nothing sampled away.
//
//   trials   one row per trial: trial_id, every axis of the sweep (the seed included) as its own column, then every
//            other value that varies between stored trials (a tuned study's stage and tuned value, e.g. train.lr),
//            round (an adaptive design's 1-based round of the seed; empty for tuning trials), status
//            (ok | diverged | failed | damaged), error (why a trial failed or is damaged), and every summary
//            metric; steps_to_target and epochs_to_target are empty when the target was never reached, with
//            target_reached false beside them
//   curves   one row per trial, evaluation point, metric and layer: trial_id, step, epoch, metric, layer (empty
//            for a whole-network metric, else the 1-based activation or weighted layer), value (empty where the
//            metric is undefined: null in metrics.jsonl)
//   groups   one row per combination of the axes but the seed: the axes, trials, finished, diverged, failed, and
//            the final test accuracy's n, mean, std, Student-t and bootstrap 95% intervals, interquartile mean,
//            median, and the median steps to target (empty when censored, with steps_censored true)
// Each as trials.csv (or .jsonl), curves.csv, groups.csv. Numbers keep full precision. Trials and curves hold the
// final stage (stage "final", or no stage in an untuned study), or the tuning trials ("tuning"), or adaptive.confirm's
// fresh seeds ("confirm"), or all of them ("all"); groups are always the final stage's, as in the report.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace actbench {

// format: csv | jsonl; stage: final | tuning | confirm | all. Returns file name → content. Throws InputError as `report` does.
std::map<std::string, std::string> export_runs(const std::vector<std::filesystem::path>& run_dirs, const std::string& format,
                                               const std::string& stage = "final");

}  // namespace actbench
