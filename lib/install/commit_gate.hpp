#pragma once
// Turns at the commits of tools installed at once (docs/install.md, "Several tools at once"):
// one tool at a time places its build, writes state.json and switches its links. A gate made
// with a lock request also takes the install lock for each turn, and for nothing else.
#include <mutex>
#include <optional>

#include "coord/lock.hpp"
#include "util/result.hpp"

namespace tailor::install {

class CommitGate {
 public:
  // Turns only: the caller holds the install lock for the whole operation.
  CommitGate() = default;
  // Each turn takes the install lock as `request` says (its timeout, token and output).
  explicit CommitGate(coord::LockRequest request) : m_request(std::move(request)) {}
  CommitGate(const CommitGate&) = delete;
  CommitGate& operator=(const CommitGate&) = delete;

  // One turn: held until destroyed; the install lock (when taken) is released first.
  class Turn {
   public:
    Turn(std::unique_lock<std::mutex> turn, std::optional<coord::InstallLock> lock)
        : m_turn(std::move(turn)), m_lock(std::move(lock)) {}

   private:
    std::unique_lock<std::mutex> m_turn;
    std::optional<coord::InstallLock> m_lock;  // destroyed before m_turn
  };

  // Waits for the turn, then for the install lock when this gate takes it; a lock that stays
  // busy past the request's timeout (or a reservation without its token) is ErrorKind::lock_busy.
  Result<Turn> enter();

  // Whether the install lock is taken per turn (and so not held between turns).
  bool locks_each_turn() const { return m_request.has_value(); }

 private:
  std::mutex m_mutex;
  std::optional<coord::LockRequest> m_request;
};

}  // namespace tailor::install
