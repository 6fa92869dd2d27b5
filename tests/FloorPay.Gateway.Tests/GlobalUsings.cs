// Namespaces most files of this project use.
global using Xunit;
global using FloorPay.V1;
global using Grpc.Core;
global using Microsoft.Extensions.Configuration;
