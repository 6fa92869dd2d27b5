// Namespaces most files of this project use.
global using Xunit;
global using FloorPay.Silo.Storage;
