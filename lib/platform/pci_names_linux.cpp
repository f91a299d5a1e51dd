// libpci is opened with dlopen so tailor runs where pciutils is missing. libpci treats its
// error callback as non-returning (the default one exits the process), so ours records the
// message and siglongjmps back into the lookup wrapper.
#include "platform/pci_names.hpp"

#include <dlfcn.h>
#include <csetjmp>
#include <cstdarg>
#include <cstdio>

#include <pci/pci.h>

namespace tailor::platform {
namespace {

using AllocFn = pci_access* (*)();
using SetPathFn = void (*)(pci_access*, char*, int);
using LookupFn = char* (*)(pci_access*, char*, int, int, ...);
using CleanupFn = void (*)(pci_access*);

sigjmp_buf g_jump;
char g_message[256];

// libpci's own PCI_NONRET, not [[noreturn]]: clang makes it part of the function's type, which
// must match the type of pci_access::error.
void on_error(char* format, ...) PCI_NONRET;
void on_error(char* format, ...) {
  va_list args;
  va_start(args, format);
  std::vsnprintf(g_message, sizeof g_message, format, args);
  va_end(args);
  siglongjmp(g_jump, 1);
}

void on_quiet(char* /*format*/, ...) {}

constexpr int k_no_numbers = PCI_LOOKUP_NO_NUMBERS;

}  // namespace

struct PciNames::Impl {
  void* library = nullptr;
  pci_access* access = nullptr;
  LookupFn lookup = nullptr;
  CleanupFn cleanup = nullptr;
  bool failed = false;
};

PciNames::PciNames(std::string ids_path) : m_impl(std::make_unique<Impl>()), m_ids_path(std::move(ids_path)) {
  m_impl->library = ::dlopen("libpci.so.3", RTLD_NOW | RTLD_LOCAL);
  if (m_impl->library == nullptr) return;
  auto alloc = reinterpret_cast<AllocFn>(::dlsym(m_impl->library, "pci_alloc"));
  auto set_path = reinterpret_cast<SetPathFn>(::dlsym(m_impl->library, "pci_set_name_list_path"));
  m_impl->lookup = reinterpret_cast<LookupFn>(::dlsym(m_impl->library, "pci_lookup_name"));
  m_impl->cleanup = reinterpret_cast<CleanupFn>(::dlsym(m_impl->library, "pci_cleanup"));
  if (alloc == nullptr || set_path == nullptr || m_impl->lookup == nullptr || m_impl->cleanup == nullptr) {
    m_impl->failed = true;
    return;
  }
  m_impl->access = alloc();
  if (m_impl->access == nullptr) {
    m_impl->failed = true;
    return;
  }
  m_impl->access->error = on_error;
  m_impl->access->warning = on_quiet;
  m_impl->access->debug = on_quiet;
  if (!m_ids_path.empty()) set_path(m_impl->access, m_ids_path.data(), 0);
}

PciNames::~PciNames() {
  // After a longjmp out of libpci its name tables may be half built: leave them alone.
  if (m_impl->access != nullptr && !m_impl->failed) m_impl->cleanup(m_impl->access);
}

bool PciNames::available() const { return m_impl->access != nullptr && !m_impl->failed; }

namespace {

// The ids go through libpci's varargs as int, as it reads them.
template <typename... Ids>
std::optional<std::string> guarded_lookup(PciNames::Impl& impl, std::string& error, int flags, Ids... ids) {
  if (impl.access == nullptr || impl.failed) return std::nullopt;
  char buffer[256];
  char* volatile name = nullptr;
  if (sigsetjmp(g_jump, 1) == 0) {
    name = impl.lookup(impl.access, buffer, sizeof buffer, flags | k_no_numbers, static_cast<int>(ids)...);
  } else {
    impl.failed = true;
    error = g_message;
    return std::nullopt;
  }
  if (name == nullptr) return std::nullopt;
  return std::string(name);
}

}  // namespace

std::optional<std::string> PciNames::vendor(unsigned vendor_id) {
  return guarded_lookup(*m_impl, m_error, PCI_LOOKUP_VENDOR, vendor_id);
}

std::optional<std::string> PciNames::device(unsigned vendor_id, unsigned device_id) {
  return guarded_lookup(*m_impl, m_error, PCI_LOOKUP_DEVICE, vendor_id, device_id);
}

std::optional<std::string> PciNames::subsystem(unsigned vendor_id, unsigned device_id, unsigned sub_vendor,
                                               unsigned sub_device) {
  return guarded_lookup(*m_impl, m_error, PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE, vendor_id, device_id, sub_vendor,
                        sub_device);
}

}  // namespace tailor::platform
