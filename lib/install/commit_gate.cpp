#include "install/commit_gate.hpp"

namespace tailor::install {

Result<CommitGate::Turn> CommitGate::enter() {
  std::unique_lock<std::mutex> turn(m_mutex);
  if (!m_request) return Turn(std::move(turn), std::nullopt);
  auto lock = coord::acquire_install_lock(*m_request);
  if (!lock) return fail(lock.error());
  return Turn(std::move(turn), std::move(*lock));
}

}  // namespace tailor::install
