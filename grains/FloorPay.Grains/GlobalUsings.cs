// Namespaces most files of this project use.
global using FloorPay.Domain;
global using Microsoft.Extensions.Logging;
global using Orleans.Concurrency;
global using Orleans.Runtime;
