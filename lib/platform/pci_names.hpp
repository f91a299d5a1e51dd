#pragma once
// Display names for PCI ids through pciutils' libpci, loaded at run time (docs/detection.md, "What is read, and from
// where"). Only pci_alloc, pci_set_name_list_path, pci_lookup_name and pci_cleanup are used: no bus scan, no config
// space. Without libpci every name is null.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/facts.hpp"

namespace tailor::platform {

class PciNames {
 public:
  // `ids_path` "" uses the database compiled into libpci.
  explicit PciNames(std::string ids_path = "");
  ~PciNames();
  PciNames(const PciNames&) = delete;
  PciNames& operator=(const PciNames&) = delete;

  // Whether libpci was loaded (and has not failed since).
  bool available() const;
  // The message libpci reported when the database could not be read, "" if none.
  const std::string& error() const { return m_error; }

  std::optional<std::string> vendor(unsigned vendor_id);
  std::optional<std::string> device(unsigned vendor_id, unsigned device_id);
  std::optional<std::string> subsystem(unsigned vendor_id, unsigned device_id, unsigned sub_vendor,
                                       unsigned sub_device);

  struct Impl;

 private:
  std::unique_ptr<Impl> m_impl;
  std::string m_ids_path;
  std::string m_error;
};

// Fills vendor_name, device_name and subsystem_name of every device; a database problem
// becomes one warning.
void fill_pci_names(std::vector<GpuDevice>& devices, const std::string& ids_path, std::vector<std::string>& warnings);

}  // namespace tailor::platform
