// Namespaces most files of this project use.
global using FloorPay.Grains;
global using FloorPay.Domain;
global using FloorPay.Silo.Storage;
global using System.Data.Common;
