#pragma once
// Turns at the commits of tools installed at once (docs/install.md, "Several tools at once"):
// one tool at a time takes the install lock, places its build, writes state.json, switches its
// links and releases the lock, which the rest of the install does not hold.
#include <future>
#include <mutex>
#include <optional>

#include "coord/lock.hpp"
#include "util/result.hpp"

namespace tailor::install {

class CommitGate {
 public:
  // Each turn takes the install lock as `request` says (its timeout, token and output), once
  // `opens` (when valid) has succeeded; its failure is every turn's.
  explicit CommitGate(coord::LockRequest request, std::shared_future<Status> opens = {})
      : m_request(std::move(request)), m_opens(std::move(opens)) {}
  CommitGate(const CommitGate&) = delete;
  CommitGate& operator=(const CommitGate&) = delete;

  // One turn: held until destroyed; the install lock is released first.
  class Turn {
   public:
    Turn(std::unique_lock<std::mutex> turn, coord::InstallLock lock)
        : m_turn(std::move(turn)), m_lock(std::move(lock)) {}

   private:
    std::unique_lock<std::mutex> m_turn;
    coord::InstallLock m_lock;  // destroyed before m_turn
  };

  // Waits for the turn of this process's tools, then for the install lock; a lock that stays
  // busy past the request's timeout (or a reservation without its token) is ErrorKind::lock_busy.
  Result<Turn> enter();

 private:
  std::mutex m_mutex;
  coord::LockRequest m_request;
  std::shared_future<Status> m_opens;
};

}  // namespace tailor::install
