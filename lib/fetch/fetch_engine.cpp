#include "fetch/fetch_engine.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "config/environment.hpp"
#include "fetch/curl_api.hpp"

#include "fetch/outcome.hpp"
#include "fetch/transfer.hpp"
#include "fetch/url.hpp"
#include "util/strings.hpp"

namespace tailor::fetch {
namespace {

using std::chrono::milliseconds;

enum class JobState { pending, active, done };

struct Job {
  const EngineJob* spec = nullptr;
  std::vector<Candidate> candidates;
  ArtifactAttempts attempts;
  JobState state = JobState::pending;
  SteadyClock::time_point started_at{};
  SteadyClock::time_point ready_at{};
  std::vector<std::string> failures;  // "url: what happened", one per failed attempt
  bool saw_corrupt = false;
  bool only_missing = true;       // every failed attempt so far was a 404 or 410
  bool oci_reauthorized = false;  // a 401 from an OCI mirror made its client drop the token once
  std::unique_ptr<Transfer> transfer;
  std::size_t candidate = 0;
  ArtifactProgress progress;
  EngineResult result;
};

std::string failure_list(const Job& job) {
  std::string out;
  for (const auto& failure : job.failures) out += "\n  " + failure;
  return out;
}

// Runs the multi loop for one batch of jobs; owns the multi handle and every easy handle in it.
class Scheduler {
 public:
  Scheduler(EngineContext& context, const std::vector<EngineJob>& specs)
      : m_ctx(context), m_multi(curl_api().multi_init()) {
    auto now = SteadyClock::now();
    for (const EngineJob& spec : specs) {
      Job job;
      job.spec = &spec;
      job.candidates = m_ctx.pool.candidates(spec.request);
      job.started_at = now;
      job.progress = ArtifactProgress{url_file_name(spec.request.url), spec.request.url, "", "queued", 0,
                                      spec.request.expected_size};
      m_jobs.push_back(std::move(job));
    }
  }

  ~Scheduler() {
    for (Job& job : m_jobs) {
      if (job.transfer) curl_api().multi_remove_handle(m_multi, job.transfer->handle());
      job.transfer.reset();
    }
    curl_api().multi_cleanup(m_multi);
  }

  Result<std::vector<EngineResult>> run() {
    Status transferred = transfer_all();
    // Downloads that finished go into the cache even when another one failed: a retry finds them.
    auto committed = commit_finished();
    if (!transferred) return fail(transferred.error());
    if (!committed) return fail(committed.error());
    std::vector<EngineResult> results;
    for (Job& job : m_jobs) results.push_back(std::move(job.result));
    return results;
  }

 private:
  Status transfer_all() {
    for (;;) {
      auto now = SteadyClock::now();
      if (auto started = start_ready_jobs(now); !started) return fail(started.error());
      report(std::exchange(m_changed, false));
      if (std::all_of(m_jobs.begin(), m_jobs.end(), [](const Job& j) { return j.state == JobState::done; })) break;
      int running = 0;
      curl_api().multi_perform(m_multi, &running);
      // A transfer that call finished waits in the message queue, and its socket is gone: waiting
      // in poll now would sleep the whole timeout with nothing left to wake it.
      if (running == m_active)
        curl_api().multi_poll(m_multi, nullptr, 0, static_cast<int>(poll_timeout(now).count()), nullptr);
      curl_api().multi_perform(m_multi, &running);
      int left = 0;
      while (CURLMsg* message = curl_api().multi_info_read(m_multi, &left)) {
        if (message->msg != CURLMSG_DONE) continue;
        if (auto completed = complete(message->easy_handle, message->data.result); !completed) {
          return fail(completed.error());
        }
      }
      report(std::exchange(m_changed, false));
    }
    report(true);
    return {};
  }

  // The finished downloads into the cache, with one flush for all (DownloadCache::commit_all).
  Status commit_finished() {
    auto paths = m_ctx.cache.commit_all(m_finished);
    m_finished.clear();
    if (!paths) return fail(paths.error());
    for (size_t i = 0; i < paths->size(); ++i) m_finished_jobs[i]->result.file.path = (*paths)[i];
    return {};
  }

  Status start_ready_jobs(SteadyClock::time_point now) {
    for (Job& job : m_jobs) {
      if (m_active >= m_ctx.config.parallel) break;
      if (job.state != JobState::pending || job.ready_at > now) continue;
      if (now - job.started_at > m_ctx.config.total_budget) {
        return fail(ErrorKind::network, "gave up on {} after {} s of retries:{}", job.spec->request.url,
                    m_ctx.config.total_budget.count() / 1000, failure_list(job));
      }
      Choice choice = m_ctx.pool.choose(job.candidates, job.attempts, now);
      if (choice.wait) {
        // Every usable host is cooling down or backing off: wait, with jitter so that many
        // clients told the same Retry-After do not all come back at once.
        auto delay = std::chrono::duration_cast<milliseconds>(*choice.wait - now);
        job.ready_at = *choice.wait +
                       milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * 0.2 * jitter_unit()));
        job.progress.state = "waiting";
        continue;
      }
      if (!choice.candidate) return no_host_left(job);
      if (auto started = start(job, *choice.candidate); !started) return started;
    }
    return {};
  }

  Status no_host_left(Job& job) {
    if (job.candidates.empty()) {
      return fail(ErrorKind::network,
                  "could not download {}: mirrors.only is set and no mirror serves it (a [[mirrors]] prefix must "
                  "match the URL; an OCI mirror serves only artifacts whose SHA-256 the plan knows)",
                  job.spec->request.url);
    }
    if (job.spec->head && job.only_missing && !job.failures.empty()) {
      // A probe answered: the URL is on no host.
      job.result.missing = true;
      job.state = JobState::done;
      job.progress.state = "done";
      m_changed = true;
      return {};
    }
    ErrorKind kind = job.saw_corrupt ? ErrorKind::checksum : ErrorKind::network;
    return fail(kind, "could not download {}: no host could serve it:{}", job.spec->request.url, failure_list(job));
  }

  Status start(Job& job, std::size_t candidate) {
    const Candidate& target = job.candidates[candidate];
    const HostState& host = m_ctx.pool.host(target.host);
    TransferSpec spec{target.url, "", job.spec->limit, job.spec->limit_is_plan_size, job.spec->head, {}};
    if (!host.token_env.empty()) {
      if (auto token = config::configured_env_value(host.token_env)) spec.bearer_token = *token;
    }
    if (OciClient* client = oci_client(host); client != nullptr) {
      // The registry's authorization (a cached bearer token, or basic credentials).
      auto header = client->authorization("pull");
      if (!header && client->refused()) return fail(header.error());
      if (!header) {
        // The registry cannot be reached: like a connection failure of the blob itself.
        job.failures.push_back(fmt::format("{}: {}", target.url, header.error().message));
        job.attempts.excluded[candidate] = true;
        m_ctx.pool.record_down(target.host);
        return {};
      }
      if (!header->empty()) spec.headers.push_back(*header);
    }
    std::optional<TempFile> file;
    if (!job.spec->text) {
      auto temp = m_ctx.cache.create_temp();
      if (!temp) return fail(temp.error());
      file = std::move(*temp);
    }
    auto transfer = Transfer::create(spec, m_ctx.config, std::move(file));
    if (!transfer && transfer.error().kind == ErrorKind::invalid_input) {
      // A mirror or fallback URL that is not HTTPS rules out that candidate, not the artifact.
      job.failures.push_back(fmt::format("{}: {}", target.url, transfer.error().message));
      job.attempts.excluded[candidate] = true;
      return {};
    }
    if (!transfer) return fail(transfer.error());
    job.transfer = std::move(*transfer);
    job.candidate = candidate;
    job.state = JobState::active;
    ++job.attempts.attempts[candidate];
    job.progress.url = target.url;
    job.progress.host = host.name;
    job.progress.state = "downloading";
    job.progress.bytes = 0;
    m_ctx.pool.started(target.host);
    m_handles[job.transfer->handle()] = &job;
    curl_api().multi_add_handle(m_multi, job.transfer->handle());
    ++m_active;
    m_changed = true;
    return {};
  }

  Status complete(CURL* handle, CURLcode code) {
    Job& job = *m_handles.at(handle);
    m_handles.erase(handle);
    curl_api().multi_remove_handle(m_multi, handle);
    --m_active;
    const Candidate& target = job.candidates[job.candidate];
    std::size_t host = target.host;
    m_ctx.pool.finished(host);
    AttemptReport outcome = job.transfer->finish(code);
    if (outcome.kind == OutcomeKind::ok) verify(job, outcome);
    auto now = SteadyClock::now();
    auto& attempts = job.attempts;
    const std::string& host_name = m_ctx.pool.host(host).name;
    if (outcome.kind != OutcomeKind::ok) {
      job.only_missing = job.only_missing && (outcome.status == 404 || outcome.status == 410);
      job.failures.push_back(fmt::format("{}: {}", target.url, outcome.detail));
      if (m_ctx.output != nullptr)
        m_ctx.output->debug("fetch: {} from {}: {}", outcome_name(outcome.kind), host_name, job.failures.back());
    }
    switch (outcome.kind) {
    case OutcomeKind::ok: return finish_job(job, outcome);
    case OutcomeKind::host_down:
      m_ctx.pool.record_down(host);
      attempts.last_failed = job.candidate;
      attempts.retry_not_before = now + backoff_delay(attempts.attempts[job.candidate] + 1, jitter_unit());
      break;
    case OutcomeKind::busy:
      m_ctx.pool.record_busy(host, now + outcome.retry_after);
      attempts.last_failed = job.candidate;
      attempts.retry_not_before = now;
      break;
    case OutcomeKind::transient:
      attempts.last_failed = job.candidate;
      attempts.retry_not_before = now + backoff_delay(attempts.attempts[job.candidate] + 1, jitter_unit());
      break;
    case OutcomeKind::not_found:
    case OutcomeKind::refused:
      if (outcome.local_error) return fail(ErrorKind::failure, "{}", outcome.detail);
      attempts.excluded[job.candidate] = true;
      break;
    case OutcomeKind::corrupt:
      m_ctx.pool.record_corrupt(host);
      attempts.excluded[job.candidate] = true;
      job.saw_corrupt = true;
      break;
    case OutcomeKind::auth:
      if (OciClient* client = oci_client(m_ctx.pool.host(host)); client != nullptr) {
        if (outcome.status == 401 && !job.oci_reauthorized) {
          // The token may have expired since it was cached: fetch a new one, once.
          client->forget("pull");
          job.oci_reauthorized = true;
          --attempts.attempts[job.candidate];
          break;
        }
        return tl::unexpected(client->auth_failure(outcome.status, target.url));
      }
      return auth_error(host, target.url, outcome.status);
    case OutcomeKind::too_large:
      return fail(ErrorKind::invalid_input, "refusing {} from {}: {}", url_file_name(target.url), target.url,
                  outcome.detail);
    }
    if (attempts.attempts[job.candidate] > m_ctx.config.retries) attempts.excluded[job.candidate] = true;
    job.transfer.reset();  // deletes the partial temp file
    job.state = JobState::pending;
    job.progress.state = "queued";
    job.progress.bytes = 0;
    return {};
  }

  // Checks size and checksum of a complete body; turns the outcome into `corrupt` on mismatch.
  void verify(const Job& job, AttemptReport& outcome) {
    const FetchRequest& request = job.spec->request;
    const std::string& url = job.candidates[job.candidate].url;
    if (request.expected_size != 0 && outcome.bytes != request.expected_size) {
      outcome.kind = OutcomeKind::corrupt;
      outcome.detail =
          fmt::format("size mismatch for {}: expected {} bytes, got {}", url, request.expected_size, outcome.bytes);
    } else if (!job.spec->expected_sha256.empty() && outcome.sha256 != job.spec->expected_sha256) {
      outcome.kind = OutcomeKind::corrupt;
      outcome.detail = fmt::format("checksum mismatch for {}: expected sha256 {}, got {}", url,
                                   job.spec->expected_sha256, outcome.sha256);
    }
  }

  Status finish_job(Job& job, const AttemptReport& outcome) {
    const Candidate& target = job.candidates[job.candidate];
    m_ctx.pool.record_success(target.host);
    if (job.spec->text) {
      job.result.text = std::move(job.transfer->text());
    } else {
      // Committed with the others once every transfer ended (commit_finished).
      m_finished.push_back(PendingEntry{std::move(job.transfer->file()), outcome.sha256, outcome.bytes, target.url});
      m_finished_jobs.push_back(&job);
      job.result.file = FetchedFile{{}, outcome.sha256, outcome.bytes, target.url, false, {}};
    }
    if (target.url == job.spec->request.url) {
      job.result.etag = job.transfer->etag();
      job.result.last_modified = job.transfer->last_modified();
    }
    job.transfer.reset();
    job.state = JobState::done;
    job.progress.state = "done";
    job.progress.bytes = outcome.bytes;
    job.progress.total = outcome.bytes;
    m_changed = true;
    return {};
  }

  OciClient* oci_client(const HostState& host) const {
    if (!host.oci || m_ctx.oci == nullptr) return nullptr;
    auto found = m_ctx.oci->find(host.name);
    return found == m_ctx.oci->end() ? nullptr : found->second.get();
  }

  Status auth_error(std::size_t host, const std::string& url, long status) {
    const HostState& state = m_ctx.pool.host(host);
    std::string hint = state.token_env.empty()
                           ? "no token is configured for this host; add token_env to its [[mirrors]] entry in "
                             "config.toml"
                           : (!config::configured_env_value(state.token_env)
                                  ? fmt::format("{} is not set; export it with a valid token", state.token_env)
                                  : fmt::format("check the token in {}", state.token_env));
    return fail(ErrorKind::network, "host {} refused access to {} (HTTP {}): bad or missing credentials; {}",
                state.name, url, status, hint);
  }

  milliseconds poll_timeout(SteadyClock::time_point now) const {
    milliseconds timeout(200);
    for (const Job& job : m_jobs) {
      if (job.state == JobState::pending && job.ready_at > now) {
        timeout = std::min(timeout, std::chrono::duration_cast<milliseconds>(job.ready_at - now) + milliseconds(1));
      } else if (job.state == JobState::pending && m_active < m_ctx.config.parallel) {
        timeout = milliseconds(0);
      }
    }
    return timeout;
  }

  void report(bool force) {
    uint64_t bytes = 0;
    uint64_t total = 0;
    std::size_t done = 0;
    std::string current;
    for (Job& job : m_jobs) {
      if (job.transfer) {
        job.progress.bytes = job.transfer->bytes();
        if (uint64_t t = job.transfer->total(); t != 0) job.progress.total = t;
        current = job.progress.name;
      }
      bytes += job.progress.bytes;
      total += job.progress.total;
      done += job.state == JobState::done ? 1 : 0;
    }
    std::vector<ArtifactProgress> artifacts;
    for (const Job& job : m_jobs) artifacts.push_back(job.progress);
    if (m_ctx.progress != nullptr) {
      m_ctx.progress->update(done, m_jobs.size(), bytes, total, current);
      m_ctx.progress->artifacts(artifacts);
    }
    if (m_ctx.status == nullptr) return;
    std::vector<HostCooldown> cooldowns;
    auto steady_now = SteadyClock::now();
    auto system_now = std::chrono::system_clock::now();
    for (const HostState& host : m_ctx.pool.hosts()) {
      if (host.cooldown_until > steady_now) {
        auto until = system_now +
                     std::chrono::duration_cast<std::chrono::system_clock::duration>(host.cooldown_until - steady_now);
        cooldowns.push_back(HostCooldown{host.name, rfc3339(until)});
      }
    }
    m_ctx.status->update(std::move(artifacts), std::move(cooldowns), force);
  }

  EngineContext& m_ctx;
  CURLM* m_multi;
  std::vector<Job> m_jobs;
  std::map<CURL*, Job*> m_handles;
  int m_active = 0;
  // A job started or ended since the last report: the next one is written at once, not
  // throttled (one write for every job that changed in that pass of the loop).
  bool m_changed = false;
  std::vector<PendingEntry> m_finished;  // downloads done, not yet in the cache
  std::vector<Job*> m_finished_jobs;     // their jobs, in the same order
};

}  // namespace

Result<std::vector<EngineResult>> run_fetch_jobs(EngineContext& context, const std::vector<EngineJob>& jobs) {
  Scheduler scheduler(context, jobs);
  return scheduler.run();
}

}  // namespace tailor::fetch
