#pragma once
// The hosts that can serve a download (mirrors first, the original URL last), their health
// during one run, and which one to try next (docs/mirrors.md, "Choosing a host" and "When a host misbehaves").
// Pure logic with the clock passed in, so selection is tested without a network.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "fetch/downloader.hpp"
#include "fetch/fetch_config.hpp"

namespace tailor::fetch {

using SteadyClock = std::chrono::steady_clock;

struct HostState {
  std::string name;       // mirror name, or the origin (scheme://host:port) of an original URL
  std::string token_env;  // bearer token variable of a mirror; "" for original URLs
  bool oci = false;       // an OCI registry mirror: authorization from its OciClient
  int consecutive_failures = 0;
  bool ejected = false;                      // down for the rest of the run
  bool flagged = false;                      // served bytes that failed verification
  SteadyClock::time_point cooldown_until{};  // busy until then; never makes a host unhealthy
  int in_flight = 0;
  int downloads = 0;  // attempts started on this host
};

struct Candidate {
  std::size_t host = 0;  // index into HostPool::hosts()
  std::string url;
};

// Per-artifact bookkeeping the pool needs to choose a host.
struct ArtifactAttempts {
  std::vector<int> attempts;                   // per candidate
  std::vector<bool> excluded;                  // per candidate: 404, corrupt, refused, attempts used up
  std::optional<std::size_t> last_failed;      // candidate that failed last
  SteadyClock::time_point retry_not_before{};  // backoff before reusing last_failed
  bool started = false;                        // round-robin starts a new artifact at the next host
};

struct Choice {
  std::optional<std::size_t> candidate;         // try this candidate now
  std::optional<SteadyClock::time_point> wait;  // or wait until then (all usable hosts busy)
  // neither: no host is left for this artifact
};

class HostPool {
 public:
  // With `mirrors_only` (config mirrors.only) the original URLs are never candidates.
  HostPool(std::vector<Mirror> mirrors, Strategy strategy, bool mirrors_only = false);

  // The URLs that can serve `request`, in configured order: each mirror whose prefix
  // matches the URL, then the URL itself, then its fallbacks (each with matching mirrors).
  // An OCI mirror serves the blob of the request's SHA-256, and nothing without one.
  // Empty when only mirrors may serve and none matches.
  std::vector<Candidate> candidates(const FetchRequest& request);

  // Picks the candidate to try next for one artifact.
  Choice choose(const std::vector<Candidate>& candidates, ArtifactAttempts& artifact, SteadyClock::time_point now);

  void started(std::size_t host);
  void finished(std::size_t host);
  void record_success(std::size_t host);
  // A connect error, timeout or reset; returns true when the host is now ejected.
  bool record_down(std::size_t host);
  void record_busy(std::size_t host, SteadyClock::time_point until);
  void record_corrupt(std::size_t host);

  const std::vector<HostState>& hosts() const { return m_hosts; }
  const HostState& host(std::size_t index) const { return m_hosts.at(index); }

 private:
  std::size_t host_for(const std::string& name, const std::string& token_env);
  void add_candidates(const std::string& url, const std::string& sha256, std::vector<Candidate>& out);

  std::vector<Mirror> m_mirrors;
  Strategy m_strategy;
  bool m_mirrors_only = false;
  std::vector<HostState> m_hosts;
  std::size_t m_next_start = 0;  // round-robin position
};

}  // namespace tailor::fetch
