#include "run/trainer.hpp"

#include "core/error.hpp"
#include "optimizer.hpp"
#include "rng.hpp"
#include "run/metrics.hpp"
#include "store/run_store.hpp"

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

namespace actbench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// JSON cannot hold NaN or Inf; a non-finite value is stored as null.
nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json fractions_json(const std::vector<double>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (double x : v) a.push_back(finite_or_null(x));
    return a;
}

double mean_of_finite(const std::vector<double>& v) {
    double s = 0;
    int n = 0;
    for (double x : v)
        if (std::isfinite(x)) s += x, ++n;
    return n ? s / n : std::numeric_limits<double>::quiet_NaN();
}

// A [N, C, spatial] view of `m` without copying when its layout is plain or channel-blocked (what the conv,
// pool and dense primitives pick: by 16 on AVX-512, by 8 on AVX2); otherwise a plain copy into `copy`.
ChannelView channel_view(Context& ctx, const memory& m, std::vector<float>& copy) {
    if (const auto block = channel_block(m.get_desc())) return {data_of(m), *block};
    copy = to_plain(ctx, m);
    return {copy.data(), 0};
}

// The learned parameters of formula layers: each one's value over the layer's channels, its mean and spread.
void learned_stats(ProbeStats& s, Network& net, const std::vector<Activation*>& acts) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t l = 0; l < acts.size(); ++l) {
        const auto& formula = acts[l]->spec().formula;
        if (!formula) continue;
        const std::vector<Param*> params = acts[l]->params();
        for (std::size_t k = 0; k < formula->learned().size() && k < params.size(); ++k) {
            const LearnedParam& lp = formula->learned()[k];
            ProbeStats::Spread& spread = s.learned[lp.name];
            spread.mean.resize(acts.size(), nan), spread.std.resize(acts.size(), nan);
            std::vector<double> values;
            for (float r : to_plain(net.context(), params[k]->value)) values.push_back(lp.value_of(r));
            double mean = 0, squares = 0;  // two passes: the spread of nearly equal values survives
            for (double v : values) mean += v / static_cast<double>(values.size());
            for (double v : values) squares += (v - mean) * (v - mean);
            spread.mean[l] = mean, spread.std[l] = std::sqrt(squares / static_cast<double>(values.size()));
        }
    }
}

// Each activation layer's probe statistics from its tally; a statistic a kind does not define is NaN (dead units
// of a smooth function, anything of maxout's pre-activations), PReLU's slope its mean learned value.
void per_layer_stats(ProbeStats& s, Network& net, const std::vector<Activation*>& acts, const std::vector<UnitTally>& tallies) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t l = 0; l < acts.size(); ++l) {
        const ActivationInfo& info = *acts[l]->spec().info;
        const bool maxout = info.kernel == ActivationKernel::maxout;
        const UnitTally& t = tallies[l];
        s.zero_fraction.push_back(t.zero_fraction());
        s.dead_fraction.push_back(info.rectifier ? t.dead_fraction() : nan);
        s.inactive_fraction.push_back(!info.rectifier && !maxout ? t.inactive_fraction() : nan);
        s.saturated_fraction.push_back(maxout ? nan : t.saturated_fraction());
        s.mean.push_back(t.mean());
        s.mean_abs.push_back(t.mean_abs());
        s.second_moment.push_back(t.second_moment());
        s.pre_mean.push_back(maxout ? nan : t.pre_mean());
        s.pre_std.push_back(maxout ? nan : t.pre_std());
        double slope = nan;
        if (info.kernel == ActivationKernel::prelu) {
            const auto v = to_plain(net.context(), acts[l]->params()[0]->value);
            double t = 0;
            for (float x : v) t += x;
            slope = t / static_cast<double>(v.size());
        }
        s.prelu_slope.push_back(slope);
    }
    learned_stats(s, net, acts);
}

}  // namespace

ProbeStats evaluate(Network& net, const ImageSet& set, const std::vector<std::size_t>& indices, const Normalizer& norm,
                    bool want_sparsity) {
    const int batch = net.batch();
    net.set_training(false);  // stochastic activations use their evaluation form
    net.set_evaluation_fusion(!want_sparsity);  // the probe statistics read each activation layer's input and output
    std::vector<std::int32_t> labels(batch);
    const auto acts = net.activations();
    const std::size_t L = acts.size();
    std::vector<UnitTally> tallies;
    for (Activation* a : acts) tallies.emplace_back(static_cast<std::size_t>(a->output_desc().dims()[1]));
    // ∂L/∂y = 1 in each activation's own output layout (and type), one buffer per distinct layout: a plain buffer
    // per layer, reordered by each layer's backward into its layout, cost a resnet-20 trial 74 MB (heaptrack).
    std::vector<memory> ones;
    auto ones_like = [&](const memory::desc& d) -> const memory& {
        for (const memory& m : ones)
            if (m.get_desc() == d) return m;
        ones.emplace_back(d, net.context().engine);
        from_plain(net.context(), std::vector<float>(logical_count(d.dims()), 1.f), ones.back());  // padding stays zero
        return ones.back();
    };
    // Each activation layer is observed as it runs (a ReLU computes in place, so its input is gone once the next
    // layer has run): its input and output are read in place where the layout is plain or channel-blocked by 4, 8 or
    // 16 (padding channels skipped, not counted as zeros), else copied to plain (and from bf16). In-place reading
    // keeps a full-data trial's peak memory ~20 MB lower than three plain copies per layer.
    Context& ctx = net.context();
    std::map<const Activation*, std::size_t> layer_of;
    for (std::size_t l = 0; l < L; ++l) layer_of[acts[l]] = l;
    std::size_t rows = 0;
    ActivationObserver observer;
    observer.observe = [&](Activation& act, const memory& input, const memory& output) {
        std::vector<float> out_copy, pre_copy, slope_copy;
        const ChannelView out = channel_view(ctx, output, out_copy);
        const ChannelView pre = channel_view(ctx, input, pre_copy);
        // f′ at every element: the layer's own backward with ∂L/∂y = 1 (not for maxout, a max over pieces, whose
        // input and output shapes differ).
        ChannelView slope;
        const auto dims = output.get_desc().dims();
        const bool maxout = act.spec().info->kernel == ActivationKernel::maxout;
        if (!maxout) slope = channel_view(ctx, act.backward(ctx, ones_like(output.get_desc())), slope_copy);
        std::size_t spatial = 1;
        for (std::size_t d = 2; d < dims.size(); ++d) spatial *= static_cast<std::size_t>(dims[d]);
        // Maxout's pre-activations have k× the channels: its dead/inactive units are not defined here.
        tallies[layer_of.at(&act)].add(maxout ? out : pre, out, slope, rows, spatial, kFlatEpsilon);
    };
    struct ObserverScope {
        Context& ctx;
        ~ObserverScope() { ctx.observer = nullptr; }
    } scope{ctx};
    if (want_sparsity) ctx.observer = &observer;
    double loss = 0;
    long correct = 0;
    for (std::size_t first = 0; first < indices.size(); first += batch) {
        rows = std::min<std::size_t>(batch, indices.size() - first);
        fill_batch(set, indices, first, batch, norm, net.input(), labels.data());
        const LossResult r = net.forward(labels.data(), static_cast<int>(rows));
        loss += r.loss_sum;
        correct += r.correct;
    }
    net.set_training(true);
    net.set_evaluation_fusion(true);
    ProbeStats s;
    s.loss = loss / static_cast<double>(indices.size());
    s.accuracy = static_cast<double>(correct) / static_cast<double>(indices.size());
    if (!want_sparsity) return s;
    per_layer_stats(s, net, acts, tallies);
    return s;
}

namespace {
// L2 norm of each weighted layer's weight gradient (in layer order).
std::vector<double> weight_grad_norms(Network& net) {
    std::vector<double> norms;
    for (Param* p : net.params()) {
        if (p->role != ParamRole::weight) continue;
        const float* g = data_of(p->grad);
        const std::size_t n = floats_in(p->grad.get_desc());
        double s = 0;
        for (std::size_t k = 0; k < n; ++k) s += static_cast<double>(g[k]) * g[k];
        norms.push_back(std::sqrt(s));
    }
    return norms;
}
double ratio_first_last(const std::vector<double>& norms) {
    return norms.size() >= 2 && norms.back() > 0 ? norms.front() / norms.back() : std::numeric_limits<double>::quiet_NaN();
}

// One evaluation point's row of metrics.jsonl from the test, probe and (optional) validation evaluations; the
// training columns are added by the caller after the first epoch.
nlohmann::json metrics_row(double epoch, long step, const ProbeStats& test, const ProbeStats& pr, const ProbeStats* val) {
    const bool epoch_end = epoch == std::floor(epoch);
    nlohmann::json row{{"epoch", epoch_end ? nlohmann::json(static_cast<int>(epoch)) : nlohmann::json(epoch)},
                       {"step", step},
                       {"test_loss", finite_or_null(test.loss)},
                       {"test_accuracy", test.accuracy},
                       {"probe_loss", finite_or_null(pr.loss)},
                       {"probe_accuracy", pr.accuracy},
                       {"zero_fraction", fractions_json(pr.zero_fraction)},
                       {"dead_fraction", fractions_json(pr.dead_fraction)},
                       {"inactive_fraction", fractions_json(pr.inactive_fraction)},
                       {"saturated_fraction", fractions_json(pr.saturated_fraction)},
                       {"mean", fractions_json(pr.mean)},
                       {"mean_abs", fractions_json(pr.mean_abs)},
                       {"second_moment", fractions_json(pr.second_moment)},
                       {"pre_mean", fractions_json(pr.pre_mean)},
                       {"pre_std", fractions_json(pr.pre_std)}};
    if (val) {
        row["val_loss"] = finite_or_null(val->loss);
        row["val_accuracy"] = val->accuracy;
    }
    if (std::any_of(pr.prelu_slope.begin(), pr.prelu_slope.end(), [](double v) { return std::isfinite(v); }))
        row["prelu_slope"] = fractions_json(pr.prelu_slope);
    for (const auto& [name, spread] : pr.learned)
        row["learned"][name] = {{"mean", fractions_json(spread.mean)}, {"std", fractions_json(spread.std)}};
    return row;
}
}  // namespace

// A trial from its folder to its summary: the network and its random streams, the training loop, an evaluation
// point (a row of metrics.jsonl and of timing.jsonl), and the summary built from what the loop gathered.
class TrialRun {
public:
    TrialRun(const Trial& trial, const PreparedData& data, const std::filesystem::path& dir);
    TrialOutcome run(const std::atomic<bool>* stop);
    // Trains on to the end of `epoch` (at most the budget), or until the trial diverges; false when *stop
    // interrupted it.
    bool advance_to(int epoch, const std::atomic<bool>* stop);
    // Writes the summary; pruned_at: the epoch at which tune's halving stopped it.
    TrialOutcome finish(std::optional<int> pruned_at);
    TrialStatus status() const { return status_; }
    int epochs_done() const { return epochs_done_; }
    const nlohmann::json& last_row() const { return metrics_.back(); }

private:
    // Random streams. Paired (common random numbers): the data order, augmentation, dropout and the initial
    // weights are keyed by the seed and the dataset, so trials that differ only in activation, init scale or
    // bias see the same data and the same draws. The activation's own draws (RReLU, noisy ReLU) stay keyed to
    // the trial. Independent: every stream keyed to the trial.
    std::uint64_t shared_stream(const char* stream) const {
        return stream_seed(trial_.paired_seeds ? trial_.pair_key() : trial_.id, stream);
    }
    std::unique_ptr<Network> build_network();
    // An evaluation point: `epoch` is whole at the end of an epoch and fractional for the optional evaluations
    // every K steps (train.eval_every); train_loss/train_accuracy run over the epoch's steps so far.
    ProbeStats record(double epoch, double train_loss, double train_accuracy, double train_seconds);
    // One epoch of steps; false when *stop interrupted it.
    bool train_epoch(int epoch, const std::atomic<bool>* stop);
    nlohmann::json summary() const;

    const Trial& trial_;
    const PreparedData& data_;
    const ImageSet& train_;
    const std::filesystem::path dir_;
    const int batch_;
    const Clock::time_point start_ = Clock::now();
    nlohmann::json settings_;
    Context ctx_;
    std::unique_ptr<Network> net_;
    Optimizer optimizer_;
    Rng order_rng_, augment_rng_;
    std::vector<std::size_t> probe_, order_;
    std::vector<std::int32_t> labels_;
    std::size_t steps_per_epoch_;

    std::vector<nlohmann::json> metrics_, timing_;
    long step_ = 0;
    TrialStatus status_ = TrialStatus::ok;
    long diverged_step_ = -1;
    double best_test_accuracy_ = 0, best_val_accuracy_ = 0;
    std::vector<double> zero_init_, first_step_norms_;
    std::vector<int> correct_per_step_;
    double loss_auc_ = 0;
    ProbeStats last_;
    int epochs_done_ = 0;
    double last_train_loss_ = std::numeric_limits<double>::quiet_NaN();
};

namespace {

// Throws InputError before touching the folder when the data cannot give one batch.
const ImageSet& checked_train_split(const Trial& trial, const PreparedData& data) {
    const ImageSet& train = data.data.train;
    if (train.count() < static_cast<std::size_t>(trial.train.batch))
        throw InputError("trial " + trial.id + ": the training split has " + std::to_string(train.count()) +
                         " images, fewer than one batch of " + std::to_string(trial.train.batch));
    return train;
}

// A trial directory without a summary is an interrupted attempt (maybe killed mid-write, leaving a temporary
// file): it starts afresh. Returns the settings written.
nlohmann::json fresh_trial_dir(const Trial& trial, const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::filesystem::create_directories(dir, ec);
    if (ec) throw IoError(dir.string() + ": cannot create the trial's folder: " + ec.message());
    nlohmann::json settings = trial.settings();
    write_trial_settings(dir, trial.id, settings);
    return settings;
}

}  // namespace

TrialRun::TrialRun(const Trial& trial, const PreparedData& data, const std::filesystem::path& dir)
    : trial_(trial),
      data_(data),
      train_(checked_train_split(trial, data)),
      dir_(dir),
      batch_(trial.train.batch),
      settings_(fresh_trial_dir(trial, dir)),
      net_(build_network()),
      optimizer_(net_->params(), trial.train.optimizer),
      order_rng_(shared_stream("data_order")),
      augment_rng_(shared_stream("augment")),
      probe_(data.train_indices.begin(), data.train_indices.begin() + std::min<std::size_t>(trial.train.probe, data.train_indices.size())),
      order_(data.train_indices),
      labels_(static_cast<std::size_t>(batch_)),
      steps_per_epoch_(order_.size() / static_cast<std::size_t>(batch_)) {
    net_->set_activation_l1(trial.train.l1_activation);
}

std::unique_ptr<Network> TrialRun::build_network() {
    const InputShape shape{train_.channels, train_.height, train_.width, data_.data.classes};
    NetworkSpec spec{trial_.model, trial_.activation, trial_.bias, stream_seed(trial_.id, "activation_noise")};
    if (trial_.paired_seeds) spec.dropout_seed = shared_stream("dropout");
    spec.precision = trial_.train.precision;
    auto net = std::make_unique<Network>(ctx_, spec, batch_, shape);
    if (trial_.paired_seeds) {
        net->initialise_paired(trial_.init, shared_stream("init"));
    } else {
        Rng init_rng(stream_seed(trial_.id, "init"));
        net->initialise(trial_.init, init_rng);
    }
    return net;
}

ProbeStats TrialRun::record(double epoch, double train_loss, double train_accuracy, double train_seconds) {
    const bool epoch_end = epoch == std::floor(epoch);
    const auto t_eval = Clock::now();
    const ProbeStats test = evaluate(*net_, data_.data.test, data_.test_indices, data_.normalizer, false);
    const ProbeStats pr = evaluate(*net_, train_, probe_, data_.normalizer, true);
    const bool has_validation = data_.validation.count() > 0;
    const ProbeStats val =
        has_validation ? evaluate(*net_, data_.validation, data_.validation_indices, data_.normalizer, false) : ProbeStats{};
    nlohmann::json row = metrics_row(epoch, step_, test, pr, has_validation ? &val : nullptr);
    if (has_validation) best_val_accuracy_ = std::max(best_val_accuracy_, val.accuracy);
    if (epoch > 0) {
        const auto norms = weight_grad_norms(*net_);
        row["grad_norm"] = fractions_json(norms);
        row["grad_ratio"] = finite_or_null(ratio_first_last(norms));
        row["train_loss"] = finite_or_null(train_loss);
        row["train_accuracy"] = train_accuracy;
    }
    metrics_.push_back(row);
    if (epoch == 0) zero_init_ = pr.zero_fraction;
    best_test_accuracy_ = std::max(best_test_accuracy_, test.accuracy);
    nlohmann::json t{{"epoch", row["epoch"]}, {"eval_seconds", seconds_since(t_eval)}};
    if (epoch > 0 && epoch_end) {
        t["train_seconds"] = train_seconds;
        t["train_images_per_second"] = train_seconds > 0 ? (train_.count() / batch_ * batch_) / train_seconds : 0.0;
    }
    timing_.push_back(t);
    write_metrics(dir_, metrics_);
    write_timing(dir_, timing_);
    return pr;
}

bool TrialRun::train_epoch(int epoch, const std::atomic<bool>* stop) {
    // Fisher–Yates with the data-order stream: the order depends on the stream's key and the epoch only.
    for (std::size_t i = order_.size() - 1; i > 0; --i) std::swap(order_[i], order_[order_rng_.below(i + 1)]);
    const auto t_epoch = Clock::now();
    double loss_sum = 0;
    long correct = 0;
    for (std::size_t s = 0; s < steps_per_epoch_; ++s) {
        if (stop && stop->load()) return false;
        fill_batch_augmented(train_, order_, s * batch_, batch_, data_.normalizer, trial_.dataset.augment, augment_rng_, net_->input(),
                             labels_.data());
        const LossResult r = net_->forward(labels_.data(), batch_);
        ++step_;
        const double bound = trial_.train.diverge_loss;
        if (!std::isfinite(r.loss_sum) || (bound > 0 && r.loss_sum / batch_ > bound)) {
            status_ = TrialStatus::diverged;
            diverged_step_ = step_;
            return true;
        }
        loss_sum += r.loss_sum;
        correct += r.correct;
        correct_per_step_.push_back(r.correct);
        net_->backward();
        if (step_ == 1) first_step_norms_ = weight_grad_norms(*net_);
        const long steps = static_cast<long>(steps_per_epoch_);
        optimizer_.step(scheduled_lr(trial_.train.schedule, trial_.train.lr, step_ - 1, steps, steps * trial_.train.epochs));
        const int every = trial_.train.eval_every;
        if (every > 0 && step_ % every == 0 && s + 1 < steps_per_epoch_) {
            const double seen_so_far = static_cast<double>((s + 1) * static_cast<std::size_t>(batch_));
            record(epoch - 1 + static_cast<double>(s + 1) / static_cast<double>(steps_per_epoch_), loss_sum / seen_so_far,
                   correct / seen_so_far, 0);
        }
    }
    const double seen = static_cast<double>(steps_per_epoch_ * batch_);
    last_train_loss_ = loss_sum / seen;
    loss_auc_ += last_train_loss_;
    last_ = record(epoch, last_train_loss_, correct / seen, seconds_since(t_epoch));
    epochs_done_ = epoch;
    return true;
}

bool TrialRun::advance_to(int epoch, const std::atomic<bool>* stop) {
    if (metrics_.empty()) last_ = record(0, 0, 0, 0);
    for (int e = epochs_done_ + 1; e <= std::min(epoch, trial_.train.epochs) && status_ == TrialStatus::ok; ++e)
        if (!train_epoch(e, stop)) return false;
    return true;
}

TrialOutcome TrialRun::finish(std::optional<int> pruned_at) {
    nlohmann::json s = summary();
    if (pruned_at) s["pruned_at_epoch"] = *pruned_at;
    write_summary(dir_, s);
    return {status_, false, s, seconds_since(start_)};
}

TrialOutcome TrialRun::run(const std::atomic<bool>* stop) {
    if (!advance_to(trial_.train.epochs, stop)) return {TrialStatus::ok, true, {}, seconds_since(start_)};
    return finish(std::nullopt);
}

nlohmann::json TrialRun::summary() const {
    const nlohmann::json& final_row = metrics_.back();
    // Training error over the last epoch's worth of mini-batches, step by step.
    const std::optional<long> to_target = steps_to_target(correct_per_step_, batch_, steps_per_epoch_, trial_.train.target);
    const long steps_to = to_target.value_or(-1);
    const long per_epoch = static_cast<long>(steps_per_epoch_);
    const long epochs_to = to_target ? (steps_to + per_epoch - 1) / per_epoch : -1;
    nlohmann::json summary{{"id", trial_.id},
                           {"status", status_name(status_)},
                           {"axes", trial_.axes},
                           {"settings", settings_},
                           {"epochs_completed", epochs_done_},
                           {"steps", step_},
                           {"final_test_accuracy", final_row["test_accuracy"]},
                           {"best_test_accuracy", best_test_accuracy_},
                           {"final_train_loss", finite_or_null(last_train_loss_)},
                           {"zero_fraction_init", finite_or_null(mean_of_finite(zero_init_))},
                           {"zero_fraction_final", finite_or_null(mean_of_finite(last_.zero_fraction))},
                           {"dead_fraction_final", finite_or_null(mean_of_finite(last_.dead_fraction))},
                           {"inactive_fraction_final", finite_or_null(mean_of_finite(last_.inactive_fraction))},
                           {"saturated_fraction_final", finite_or_null(mean_of_finite(last_.saturated_fraction))},
                           {"grad_norm_first_step", fractions_json(first_step_norms_)},
                           {"grad_ratio_first_step", finite_or_null(ratio_first_last(first_step_norms_))},
                           {"target_train_error", trial_.train.target},
                           // Censored (never reached in the run): null, reported as "> max".
                           {"epochs_to_target", epochs_to >= 0 ? nlohmann::json(epochs_to) : nlohmann::json(nullptr)},
                           {"steps_to_target", steps_to >= 0 ? nlohmann::json(steps_to) : nlohmann::json(nullptr)},
                           // Σ over epochs of the epoch's mean training loss (area under the curve, in epochs).
                           {"train_loss_auc", finite_or_null(loss_auc_)}};
    if (status_ == TrialStatus::diverged) summary["diverged_step"] = diverged_step_;
    if (final_row.contains("val_accuracy")) {
        summary["final_val_accuracy"] = final_row["val_accuracy"];
        summary["best_val_accuracy"] = best_val_accuracy_;
    }
    return summary;
}

// Running out of memory is the machine's limit, not the trial's result: both ways it shows (operator new and
// a oneDNN memory object, whose failure is dnnl_out_of_memory) become one OutOfMemory the runner stops on.
template <class F>
auto memory_errors_as_out_of_memory(const Trial& trial, F&& f) {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        throw OutOfMemory("trial " + trial.id + " (" + trial.label() + ") could not allocate its memory");
    } catch (const dnnl::error& e) {
        if (e.status != dnnl_out_of_memory) throw;
        throw OutOfMemory("trial " + trial.id + " (" + trial.label() + "): " + e.what());
    }
}

TrialOutcome run_trial(const Trial& trial, const PreparedData& data, const std::filesystem::path& dir, const std::atomic<bool>* stop) {
    return memory_errors_as_out_of_memory(trial, [&] { return TrialRun(trial, data, dir).run(stop); });
}

SteppedTrial::SteppedTrial(const Trial& trial, const PreparedData& data, const std::filesystem::path& dir)
    : trial_(trial), run_(memory_errors_as_out_of_memory(trial, [&] { return std::make_unique<TrialRun>(trial_, data, dir); })) {}
SteppedTrial::~SteppedTrial() = default;

bool SteppedTrial::advance_to(int epoch, const std::atomic<bool>* stop) {
    return memory_errors_as_out_of_memory(trial_, [&] { return run_->advance_to(epoch, stop); });
}
TrialStatus SteppedTrial::status() const { return run_->status(); }
int SteppedTrial::epochs_done() const { return run_->epochs_done(); }
const nlohmann::json& SteppedTrial::last_row() const { return run_->last_row(); }
TrialOutcome SteppedTrial::finish(std::optional<int> pruned_at) { return run_->finish(pruned_at); }

}  // namespace actbench
