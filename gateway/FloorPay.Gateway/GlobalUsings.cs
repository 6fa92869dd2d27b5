// Namespaces most files of this project use.
global using Grpc.Core;
global using FloorPay.Gateway.Auth;
global using FloorPay.Gateway.Observability;
global using System.Globalization;
global using FloorPay.Domain;
