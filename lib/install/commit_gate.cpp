#include "install/commit_gate.hpp"

namespace tailor::install {

Result<CommitGate::Turn> CommitGate::enter() {
  if (m_opens.valid()) {
    if (const Status& opened = m_opens.get(); !opened) return fail(opened.error());
  }
  // The process's own turn first: its tools do not wait on each other through the flock.
  std::unique_lock<std::mutex> turn(m_mutex);
  auto lock = coord::acquire_install_lock(m_request);
  if (!lock) return fail(lock.error());
  return Turn(std::move(turn), std::move(*lock));
}

}  // namespace tailor::install
