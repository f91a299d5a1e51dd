#include "util/process_identity.hpp"

namespace tailor::util {

// Without /proc nothing tells a live process from a reused pid: markers are then never
// judged dead, and what they mark is left alone.
std::optional<ProcessIdentity> current_process_identity() { return std::nullopt; }

ProcessLiveness process_liveness(const ProcessIdentity&) { return ProcessLiveness::unknown; }

}  // namespace tailor::util
