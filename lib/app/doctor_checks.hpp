#pragma once
// The checks of `tailor doctor`, one function each (lib/app/doctor.cpp runs them in order).
#include <optional>
#include <string>

#include "app/doctor.hpp"

namespace tailor::app::doctor {

// Whether `--fix` holds the install lock, and why not when it does not.
struct FixState {
  bool enabled = false;
  bool locked = false;
  std::string refused;  // the lock or reservation error when enabled but not locked
};

DoctorCheck check_path(const DoctorRequest& request);
DoctorCheck check_home(const DoctorRequest& request);
DoctorCheck check_links(const DoctorRequest& request, const FixState& fix);
DoctorCheck check_leftovers(const DoctorRequest& request, const FixState& fix);
// `holder_replaced`: --fix took the lock over a holder file that a dead process left.
DoctorCheck check_lock(const DoctorRequest& request, const std::string& holder_replaced);
DoctorCheck check_caches(const DoctorRequest& request);
DoctorCheck check_config(const DoctorRequest& request);
DoctorCheck check_detection(const DoctorRequest& request);

}  // namespace tailor::app::doctor
