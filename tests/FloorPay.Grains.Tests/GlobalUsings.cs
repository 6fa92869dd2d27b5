// Namespaces most files of this project use.
global using Xunit;
global using Orleans.Runtime;
global using Orleans.Storage;
global using FloorPay.Domain;
