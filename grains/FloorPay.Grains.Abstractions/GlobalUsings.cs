// Namespaces most files of this project use.
global using Orleans.Concurrency;
global using FloorPay.Domain;
