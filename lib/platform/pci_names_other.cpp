// Outside Linux there is no libpci: every name is null.
#include "platform/pci_names.hpp"

namespace tailor::platform {

struct PciNames::Impl {};

PciNames::PciNames(std::string ids_path) : m_impl(std::make_unique<Impl>()), m_ids_path(std::move(ids_path)) {}
PciNames::~PciNames() = default;
bool PciNames::available() const { return false; }
std::optional<std::string> PciNames::vendor(unsigned) { return std::nullopt; }
std::optional<std::string> PciNames::device(unsigned, unsigned) { return std::nullopt; }
std::optional<std::string> PciNames::subsystem(unsigned, unsigned, unsigned, unsigned) { return std::nullopt; }

}  // namespace tailor::platform
