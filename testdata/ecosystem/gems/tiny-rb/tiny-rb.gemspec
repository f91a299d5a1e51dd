# A tiny gem the ecosystem install tests build with `gem build` and serve.
Gem::Specification.new do |s|
  s.name = "tiny-rb"
  s.version = "1.0.0"
  s.summary = "A tiny test gem"
  s.authors = ["tailor tests"]
  s.license = "MIT"
  s.files = ["bin/tiny-rb"]
  s.bindir = "bin"
  s.executables = ["tiny-rb"]
end
