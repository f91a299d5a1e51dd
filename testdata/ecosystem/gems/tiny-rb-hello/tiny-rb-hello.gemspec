# A tiny gem with one dependency, which gem_install resolves when it is planned.
Gem::Specification.new do |s|
  s.name = "tiny-rb-hello"
  s.version = "1.0.0"
  s.summary = "A tiny test gem that depends on tiny-rb"
  s.authors = ["tailor tests"]
  s.license = "MIT"
  s.files = ["bin/tiny-rb-hello"]
  s.bindir = "bin"
  s.executables = ["tiny-rb-hello"]
  s.add_runtime_dependency "tiny-rb", "~> 1.0"
end
