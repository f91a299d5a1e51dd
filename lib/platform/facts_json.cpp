// The facts document (docs/detection.md, "Overrides and facts files"): one writer, one reader, one key order.
#include <array>
#include <utility>

#include "platform/detect.hpp"
#include "util/strings.hpp"

namespace tailor::platform {
namespace {

using OrderedJson = nlohmann::ordered_json;

template <typename T>
OrderedJson nullable(const std::optional<T>& value) {
  return value ? OrderedJson(*value) : OrderedJson(nullptr);
}

OrderedJson device_json(const GpuDevice& d) {
  return OrderedJson{{"bdf", d.bdf},
                     {"class", d.class_code},
                     {"kind", d.kind},
                     {"vendor", d.vendor},
                     {"vendor_id", d.vendor_id},
                     {"device_id", d.device_id},
                     {"subsystem_vendor_id", d.subsystem_vendor_id},
                     {"subsystem_device_id", d.subsystem_device_id},
                     {"revision", d.revision},
                     {"vendor_name", nullable(d.vendor_name)},
                     {"device_name", nullable(d.device_name)},
                     {"subsystem_name", nullable(d.subsystem_name)},
                     {"boot_vga", nullable(d.boot_vga)},
                     {"driver", d.driver},
                     {"driver_version", d.driver_version},
                     {"gpu_compute", d.gpu_compute},
                     {"power_state", d.power_state},
                     {"runtime_status", d.runtime_status},
                     {"vram_bytes", nullable(d.vram_bytes)},
                     {"gfx_target", d.gfx_target},
                     {"drm_card", d.drm_card},
                     {"render_node", d.render_node},
                     {"integrated", nullable(d.integrated)},
                     {"eligible", d.eligible},
                     {"visible", d.visible},
                     {"primary", d.primary}};
}

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// Typed access with an error naming the key and the document.
class Reader {
 public:
  Reader(const nlohmann::json& object, std::string where) : m_object(object), m_where(std::move(where)) {}

  template <typename T>
  Status get(const char* key, T& out) const {
    auto it = m_object.find(key);
    if (it == m_object.end()) return {};
    try {
      if constexpr (IsOptional<T>::value) {
        if (it->is_null())
          out = std::nullopt;
        else
          out = it->template get<typename T::value_type>();
      } else {
        out = it->template get<T>();
      }
    } catch (const nlohmann::json::exception&) {
      return fail(ErrorKind::usage, "{}: \"{}\" has the wrong type ({})", m_where, key, it->type_name());
    }
    return {};
  }

 private:
  const nlohmann::json& m_object;
  std::string m_where;
};

#define TAILOR_READ(reader, key, field) \
  if (auto status = (reader).get(key, field); !status) return fail(std::move(status.error()))

Result<GpuDevice> device_from_json(const nlohmann::json& doc, const std::string& where) {
  if (!doc.is_object()) return fail(ErrorKind::usage, "{}: expected an object", where);
  GpuDevice d;
  Reader r(doc, where);
  TAILOR_READ(r, "bdf", d.bdf);
  TAILOR_READ(r, "class", d.class_code);
  TAILOR_READ(r, "kind", d.kind);
  TAILOR_READ(r, "vendor", d.vendor);
  TAILOR_READ(r, "vendor_id", d.vendor_id);
  TAILOR_READ(r, "device_id", d.device_id);
  TAILOR_READ(r, "subsystem_vendor_id", d.subsystem_vendor_id);
  TAILOR_READ(r, "subsystem_device_id", d.subsystem_device_id);
  TAILOR_READ(r, "revision", d.revision);
  TAILOR_READ(r, "vendor_name", d.vendor_name);
  TAILOR_READ(r, "device_name", d.device_name);
  TAILOR_READ(r, "subsystem_name", d.subsystem_name);
  TAILOR_READ(r, "boot_vga", d.boot_vga);
  TAILOR_READ(r, "driver", d.driver);
  TAILOR_READ(r, "driver_version", d.driver_version);
  TAILOR_READ(r, "gpu_compute", d.gpu_compute);
  TAILOR_READ(r, "power_state", d.power_state);
  TAILOR_READ(r, "runtime_status", d.runtime_status);
  TAILOR_READ(r, "vram_bytes", d.vram_bytes);
  TAILOR_READ(r, "gfx_target", d.gfx_target);
  TAILOR_READ(r, "drm_card", d.drm_card);
  TAILOR_READ(r, "render_node", d.render_node);
  TAILOR_READ(r, "integrated", d.integrated);
  TAILOR_READ(r, "eligible", d.eligible);
  TAILOR_READ(r, "visible", d.visible);
  TAILOR_READ(r, "primary", d.primary);
  return d;
}

template <typename T, typename Fn>
Status read_array(const nlohmann::json& doc, const char* key, const std::string& origin, std::vector<T>& out, Fn item) {
  auto it = doc.find(key);
  if (it == doc.end()) return {};
  if (!it->is_array()) return fail(ErrorKind::usage, "{}: \"{}\" must be an array", origin, key);
  out.clear();
  for (size_t i = 0; i < it->size(); ++i) {
    std::string where = fmt::format("{}: {}[{}]", origin, key, i);
    if (!(*it)[i].is_object()) return fail(ErrorKind::usage, "{}: expected an object", where);
    auto value = item((*it)[i], where);
    if (!value) return fail(std::move(value.error()));
    out.push_back(std::move(*value));
  }
  return {};
}

}  // namespace

OrderedJson facts_to_json(const Facts& f) {
  OrderedJson doc;
  doc["facts_version"] = k_facts_version;
  doc["os"] = f.os;
  doc["arch"] = f.arch;
  doc["linux_family"] = f.linux_family;
  doc["libc"] = f.libc;
  doc["libc_version"] = f.libc_version;
  doc["libc_interpreter"] = f.libc_interpreter;
  doc["os_release"] = OrderedJson{{"id", f.os_release.id},
                                  {"id_like", f.os_release.id_like},
                                  {"version_id", f.os_release.version_id},
                                  {"version_codename", f.os_release.version_codename},
                                  {"name", f.os_release.name},
                                  {"source", f.os_release.source}};
  doc["kernel"] = f.kernel;
  doc["gpu"] = f.gpu;
  doc["gpu_driver"] = f.gpu_driver;
  doc["gpu_compute"] = f.gpu_compute;
  doc["nvidia_kernel_flavor"] = f.nvidia_kernel_flavor;
  doc["gpu_visible"] = f.gpu_visible;
  doc["gfx_targets"] = f.gfx_targets;
  doc["vulkan"] = f.vulkan;
  doc["vulkan_loader"] = f.vulkan_loader;
  doc["vulkan_icds"] = OrderedJson::array();
  for (const VulkanIcd& icd : f.vulkan_icds)
    doc["vulkan_icds"].push_back(
        {{"path", icd.path}, {"library_path", icd.library_path}, {"library_found", icd.library_found}});
  doc["environment"] = OrderedJson{{"wsl2", f.environment.wsl2},
                                   {"container", f.environment.container},
                                   {"jetson", f.environment.jetson},
                                   {"rosetta", f.environment.rosetta}};
  doc["gpu_devices"] = OrderedJson::array();
  for (const GpuDevice& device : f.gpu_devices) doc["gpu_devices"].push_back(device_json(device));
  doc["accelerators"] = OrderedJson::array();
  for (const Accelerator& a : f.accelerators) {
    doc["accelerators"].push_back({{"bdf", a.bdf},
                                   {"class", a.class_code},
                                   {"vendor_id", a.vendor_id},
                                   {"device_id", a.device_id},
                                   {"driver", a.driver}});
  }
  doc["vulkan_devices"] = OrderedJson::array();
  for (const VulkanDevice& v : f.vulkan_devices) {
    doc["vulkan_devices"].push_back({{"name", v.name},
                                     {"type", v.type},
                                     {"vendor_id", v.vendor_id},
                                     {"device_id", v.device_id},
                                     {"api_version", v.api_version},
                                     {"driver_version", v.driver_version}});
  }
  doc["env"] = OrderedJson::object();
  for (const auto& [name, value] : f.env) doc["env"][name] = nullable(value);
  doc["overrides"] = OrderedJson::object();
  for (const auto& [fact, origin] : f.overrides) doc["overrides"][fact] = origin.source;
  doc["evidence"] = OrderedJson::array();
  for (const Evidence& e : f.evidence) {
    doc["evidence"].push_back({{"fact", e.fact}, {"value", e.value}, {"source", e.source}, {"level", e.level}});
  }
  if (f.deep) {
    doc["deep"] = OrderedJson::array();
    for (const DeepProbe& probe : *f.deep) {
      doc["deep"].push_back({{"tool", probe.tool},
                             {"command", probe.command},
                             {"status", probe.status},
                             {"exit_code", probe.exit_code ? OrderedJson(*probe.exit_code) : OrderedJson()},
                             {"output", probe.output}});
    }
  }
  return doc;
}

Result<Facts> facts_from_json(const nlohmann::json& doc, std::string_view origin_view, std::set<std::string>* present) {
  std::string origin(origin_view);
  if (!doc.is_object()) return fail(ErrorKind::usage, "{}: a facts file must be a JSON object", origin);
  int version = 0;
  Reader r(doc, origin);
  TAILOR_READ(r, "facts_version", version);
  if (version > k_facts_version) {
    return fail(ErrorKind::usage, "{}: facts_version {} is newer than this tailor supports ({}); upgrade tailor",
                origin, version, k_facts_version);
  }
  Facts f;
  TAILOR_READ(r, "os", f.os);
  TAILOR_READ(r, "arch", f.arch);
  TAILOR_READ(r, "linux_family", f.linux_family);
  TAILOR_READ(r, "libc", f.libc);
  TAILOR_READ(r, "libc_version", f.libc_version);
  TAILOR_READ(r, "libc_interpreter", f.libc_interpreter);
  TAILOR_READ(r, "kernel", f.kernel);
  TAILOR_READ(r, "gpu", f.gpu);
  TAILOR_READ(r, "gpu_driver", f.gpu_driver);
  TAILOR_READ(r, "gpu_compute", f.gpu_compute);
  TAILOR_READ(r, "nvidia_kernel_flavor", f.nvidia_kernel_flavor);
  TAILOR_READ(r, "gpu_visible", f.gpu_visible);
  TAILOR_READ(r, "gfx_targets", f.gfx_targets);
  TAILOR_READ(r, "vulkan", f.vulkan);
  TAILOR_READ(r, "vulkan_loader", f.vulkan_loader);
  if (auto it = doc.find("env"); it != doc.end()) {
    if (!it->is_object()) return fail(ErrorKind::usage, "{}: \"env\" must be an object", origin);
    Reader e(*it, origin + ": env");
    for (const auto& item : it->items()) {
      std::optional<std::string> value;
      TAILOR_READ(e, item.key().c_str(), value);
      f.env[item.key()] = value;
    }
  }
  std::map<std::string, std::string> overrides;
  TAILOR_READ(r, "overrides", overrides);
  // What another run overrode is, for this one, what the file says.
  for (auto& [fact, source] : overrides) f.overrides[fact] = {tuple::FactOrigin::facts_file, std::move(source)};
  if (auto it = doc.find("os_release"); it != doc.end()) {
    if (!it->is_object()) return fail(ErrorKind::usage, "{}: \"os_release\" must be an object", origin);
    Reader o(*it, origin + ": os_release");
    TAILOR_READ(o, "id", f.os_release.id);
    TAILOR_READ(o, "id_like", f.os_release.id_like);
    TAILOR_READ(o, "version_id", f.os_release.version_id);
    TAILOR_READ(o, "version_codename", f.os_release.version_codename);
    TAILOR_READ(o, "name", f.os_release.name);
    TAILOR_READ(o, "source", f.os_release.source);
  }
  if (auto it = doc.find("environment"); it != doc.end()) {
    if (!it->is_object()) return fail(ErrorKind::usage, "{}: \"environment\" must be an object", origin);
    Reader e(*it, origin + ": environment");
    TAILOR_READ(e, "wsl2", f.environment.wsl2);
    TAILOR_READ(e, "container", f.environment.container);
    TAILOR_READ(e, "jetson", f.environment.jetson);
    TAILOR_READ(e, "rosetta", f.environment.rosetta);
  }
  if (auto s = read_array(doc, "gpu_devices", origin, f.gpu_devices, device_from_json); !s) return fail(s.error());
  auto icd = [](const nlohmann::json& item, const std::string& where) -> Result<VulkanIcd> {
    Reader rd(item, where);
    VulkanIcd v;
    TAILOR_READ(rd, "path", v.path);
    TAILOR_READ(rd, "library_path", v.library_path);
    TAILOR_READ(rd, "library_found", v.library_found);
    return v;
  };
  if (auto s = read_array(doc, "vulkan_icds", origin, f.vulkan_icds, icd); !s) return fail(s.error());
  auto accelerator = [](const nlohmann::json& item, const std::string& where) -> Result<Accelerator> {
    Reader rd(item, where);
    Accelerator a;
    TAILOR_READ(rd, "bdf", a.bdf);
    TAILOR_READ(rd, "class", a.class_code);
    TAILOR_READ(rd, "vendor_id", a.vendor_id);
    TAILOR_READ(rd, "device_id", a.device_id);
    TAILOR_READ(rd, "driver", a.driver);
    return a;
  };
  if (auto s = read_array(doc, "accelerators", origin, f.accelerators, accelerator); !s) return fail(s.error());
  auto vulkan_device = [](const nlohmann::json& item, const std::string& where) -> Result<VulkanDevice> {
    Reader rd(item, where);
    VulkanDevice v;
    TAILOR_READ(rd, "name", v.name);
    TAILOR_READ(rd, "type", v.type);
    TAILOR_READ(rd, "vendor_id", v.vendor_id);
    TAILOR_READ(rd, "device_id", v.device_id);
    TAILOR_READ(rd, "api_version", v.api_version);
    TAILOR_READ(rd, "driver_version", v.driver_version);
    return v;
  };
  if (auto s = read_array(doc, "vulkan_devices", origin, f.vulkan_devices, vulkan_device); !s) return fail(s.error());
  auto evidence = [](const nlohmann::json& item, const std::string& where) -> Result<Evidence> {
    Reader rd(item, where);
    Evidence e;
    TAILOR_READ(rd, "fact", e.fact);
    TAILOR_READ(rd, "value", e.value);
    TAILOR_READ(rd, "source", e.source);
    TAILOR_READ(rd, "level", e.level);
    return e;
  };
  if (auto s = read_array(doc, "evidence", origin, f.evidence, evidence); !s) return fail(s.error());

  using tuple::Fact;
  for (const auto& [fact, value] :
       std::array<std::pair<Fact, const std::string*>, 6>{{{Fact::os, &f.os},
                                                           {Fact::arch, &f.arch},
                                                           {Fact::linux_family, &f.linux_family},
                                                           {Fact::libc, &f.libc},
                                                           {Fact::gpu, &f.gpu},
                                                           {Fact::vulkan, &f.vulkan}}}) {
    const std::string key(tuple::fact_def(fact).key);
    if (!doc.contains(key)) continue;
    bool may_be_empty = fact == Fact::linux_family || fact == Fact::libc || fact == Fact::gpu;
    if (value->empty() && may_be_empty) continue;
    if (auto s = tuple::validate_fact_value(fact, *value, fmt::format("\"{}\" in {}", key, origin)); !s)
      return fail(s.error());
  }
  if (present != nullptr) {
    for (const auto& item : doc.items()) present->insert(item.key());
  }
  return f;
}

#undef TAILOR_READ

}  // namespace tailor::platform
