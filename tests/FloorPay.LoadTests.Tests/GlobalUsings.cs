// Namespaces most files of this project use.
global using Xunit;
