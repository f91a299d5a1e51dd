#include "fetch/host_pool.hpp"

#include <algorithm>

#include "fetch/oci_client.hpp"
#include "fetch/outcome.hpp"
#include "fetch/url.hpp"
#include "util/sha256.hpp"

namespace tailor::fetch {

HostPool::HostPool(std::vector<Mirror> mirrors, Strategy strategy, bool mirrors_only)
    : m_mirrors(std::move(mirrors)), m_strategy(strategy), m_mirrors_only(mirrors_only) {
  // Hosts exist in configured order from the start, so ties in least-busy follow it.
  for (const Mirror& mirror : m_mirrors) m_hosts[host_for(mirror.name, mirror.token_env)].oci = mirror.oci;
}

std::size_t HostPool::host_for(const std::string& name, const std::string& token_env) {
  for (std::size_t i = 0; i < m_hosts.size(); ++i) {
    if (m_hosts[i].name == name) return i;
  }
  m_hosts.push_back(HostState{name, token_env});
  return m_hosts.size() - 1;
}

void HostPool::add_candidates(const std::string& url, const std::string& sha256, std::vector<Candidate>& out) {
  auto add = [&out](std::size_t host, std::string candidate_url) {
    bool seen = std::any_of(out.begin(), out.end(), [&](const Candidate& c) { return c.url == candidate_url; });
    if (!seen) out.push_back(Candidate{host, std::move(candidate_url)});
  };
  for (const Mirror& mirror : m_mirrors) {
    if (url.size() < mirror.prefix.size() || url.compare(0, mirror.prefix.size(), mirror.prefix) != 0) continue;
    if (mirror.oci) {
      // Content-addressed: only an artifact whose checksum is known can be asked for.
      auto where = parse_oci_url(mirror.url);
      if (!sha256.empty() && where) add(host_for(mirror.name, mirror.token_env), oci_blob_url(*where, sha256));
    } else {
      add(host_for(mirror.name, mirror.token_env), mirror.url + url.substr(mirror.prefix.size()));
    }
  }
  if (!m_mirrors_only) add(host_for(url_origin(url), ""), url);
}

std::vector<Candidate> HostPool::candidates(const FetchRequest& request) {
  std::vector<Candidate> out;
  std::string sha256 = util::normalize_checksum(request.expected_sha256);
  if (sha256.size() != 64) sha256.clear();
  add_candidates(request.url, sha256, out);
  for (const std::string& fallback : request.fallback_urls) add_candidates(fallback, sha256, out);
  return out;
}

Choice HostPool::choose(const std::vector<Candidate>& candidates, ArtifactAttempts& artifact,
                        SteadyClock::time_point now) {
  artifact.attempts.resize(candidates.size(), 0);
  artifact.excluded.resize(candidates.size(), false);
  std::vector<std::size_t> eligible;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!artifact.excluded[i] && !m_hosts[candidates[i].host].ejected) eligible.push_back(i);
  }
  if (eligible.empty()) return {};

  auto ready_at = [&](std::size_t c) {
    SteadyClock::time_point at = m_hosts[candidates[c].host].cooldown_until;
    if (artifact.last_failed == c) at = std::max(at, artifact.retry_not_before);
    return at;
  };
  std::vector<std::size_t> available;
  for (std::size_t c : eligible) {
    if (ready_at(c) <= now) available.push_back(c);
  }
  if (available.empty()) {
    SteadyClock::time_point soonest = ready_at(eligible.front());
    for (std::size_t c : eligible) soonest = std::min(soonest, ready_at(c));
    return Choice{std::nullopt, soonest};
  }
  // After a failure, any other usable host goes before the one that just failed.
  if (artifact.last_failed && available.size() > 1) {
    std::erase(available, *artifact.last_failed);
  }

  std::size_t pick = available.front();
  if (m_strategy == Strategy::round_robin && !artifact.started) {
    std::size_t start = eligible[m_next_start++ % eligible.size()];
    auto at = std::find_if(available.begin(), available.end(), [&](std::size_t c) { return c >= start; });
    pick = at != available.end() ? *at : available.front();
  } else if (m_strategy == Strategy::least_busy) {
    for (std::size_t c : available) {
      if (m_hosts[candidates[c].host].in_flight < m_hosts[candidates[pick].host].in_flight) pick = c;
    }
  }
  artifact.started = true;
  return Choice{pick, std::nullopt};
}

void HostPool::started(std::size_t host) {
  ++m_hosts.at(host).in_flight;
  ++m_hosts.at(host).downloads;
}

void HostPool::finished(std::size_t host) { --m_hosts.at(host).in_flight; }

void HostPool::record_success(std::size_t host) { m_hosts.at(host).consecutive_failures = 0; }

bool HostPool::record_down(std::size_t host) {
  HostState& state = m_hosts.at(host);
  if (++state.consecutive_failures >= k_eject_after_failures) state.ejected = true;
  return state.ejected;
}

void HostPool::record_busy(std::size_t host, SteadyClock::time_point until) {
  HostState& state = m_hosts.at(host);
  state.cooldown_until = std::max(state.cooldown_until, until);
  state.consecutive_failures = 0;  // it answered: alive
}

void HostPool::record_corrupt(std::size_t host) { m_hosts.at(host).flagged = true; }

}  // namespace tailor::fetch
