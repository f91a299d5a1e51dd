// fmt's compiled part, built into tailor instead of linking libfmt.so (TAILOR_STATIC_RUNTIME;
// see cmake/TailorDependencies.cmake). Every other file includes <fmt/format.h> as usual and
// links against the functions defined here. The explicit instantiations are the templates
// <fmt/format.h> declares but leaves to the compiled library (the linker names them if a new
// use needs another).
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {

template auto locale_ref::get<std::locale>() const -> std::locale;
template auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl(locale_ref) -> char;

}  // namespace detail
FMT_END_NAMESPACE
