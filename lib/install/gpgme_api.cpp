#include "install/gpgme_api.hpp"

#include <cstddef>

#include "util/shared_library.hpp"

namespace tailor::install {

const GpgmeApi& gpgme_api() {
  static const GpgmeApi k_api = [] {
    util::SharedLibrary lib("libgpgme.so.11", "libgpgme11");
    GpgmeApi a{};
    lib.bind(a.check_version_internal, "gpgme_check_version_internal");
    lib.bind(a.engine_check_version, "gpgme_engine_check_version");
    lib.bind(a.strerror, "gpgme_strerror");
    lib.bind(a.ctx_new, "gpgme_new");
    lib.bind(a.ctx_release, "gpgme_release");
    lib.bind(a.set_protocol, "gpgme_set_protocol");
    lib.bind(a.set_engine_info, "gpgme_ctx_set_engine_info");
    lib.bind(a.set_offline, "gpgme_set_offline");
    lib.bind(a.data_new_from_mem, "gpgme_data_new_from_mem");
    lib.bind(a.data_new_from_fd, "gpgme_data_new_from_fd");
    lib.bind(a.data_release, "gpgme_data_release");
    lib.bind(a.op_import, "gpgme_op_import");
    lib.bind(a.op_import_result, "gpgme_op_import_result");
    lib.bind(a.op_verify, "gpgme_op_verify");
    lib.bind(a.op_verify_result, "gpgme_op_verify_result");
    lib.bind(a.get_key, "gpgme_get_key");
    lib.bind(a.key_unref, "gpgme_key_unref");
    // What the gpgme_check_version macro does: initialises the library and checks that this
    // header's struct layout matches the library's.
    a.check_version_internal(nullptr, offsetof(struct _gpgme_signature, validity));
    return a;
  }();
  return k_api;
}

}  // namespace tailor::install
