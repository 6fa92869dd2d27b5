// Namespaces most files of this project use.
global using System.Diagnostics;
global using System.Globalization;
global using Grpc.Core;
global using Grpc.Net.Client;
global using FloorPay.LoadTests.Runner;
